"""Refuse a NUL in the URL before any view or middleware reads it.

PostgreSQL cannot hold a NUL in text, so a `?q=%00` that reached a filter was a 500 there and
passed on SQLite. Query parameters are read in many places (API filters, page forms, session
and feed lookups by path); one check at the door covers them all, on every database, where a
check per filter would be forgotten in the next one. Percent-decoding replaces invalid UTF-8,
so a URL cannot carry a lone surrogate: NUL is what remains. JSON bodies have their own check
(core/parsers.py).
"""

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.parsers import InputProblem, text_is_clean

API_PREFIX = "/api/"


def url_problem(request: HttpRequest) -> InputProblem | None:
    """What is wrong with the path or query (naming the parameter at fault), or None."""
    if not text_is_clean(request.path):
        return InputProblem("text", None)
    for key, values in request.GET.lists():
        if not text_is_clean(key):
            return InputProblem("text", None)
        if not all(text_is_clean(value) for value in values):
            return InputProblem("text", key)
    return None


def _refusal(request: HttpRequest, problem: InputProblem) -> HttpResponse:
    message = problem.message
    if request.path.startswith(API_PREFIX):
        error: dict[str, Any] = {"code": "bad_request", "message": message, "fields": {}}
        if problem.field is not None:
            error["fields"] = {problem.field: [message]}
        return JsonResponse({"error": error}, status=400)
    # Pages answer with the site's 400 page (and Django logs it as a bad request).
    raise BadRequest(message)


class InputGuardMiddleware:
    """400 for a path or query parameter holding a NUL (the API's error shape under /api/)."""

    sync_capable = True
    async_capable = True

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponse]
        | Callable[[HttpRequest], Awaitable[HttpResponse]],
    ) -> None:
        self.get_response = get_response
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self.__acall__(request)
        problem = url_problem(request)
        if problem is not None:
            return _refusal(request, problem)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        problem = url_problem(request)
        if problem is not None:
            return _refusal(request, problem)
        response = self.get_response(request)
        assert not isinstance(response, HttpResponse)  # noqa: S101  (async chain)
        return await response
