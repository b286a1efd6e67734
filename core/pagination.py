"""Page-number pagination without a COUNT: it reads one row more than a page to know whether a
next page exists. Counting every match of a broad search cost as much as the search itself.

A page past the end answers 404, as DRF's own paginators do; so does a page beyond MAX_PAGE,
without a query (an OFFSET of 2**63 overflowed the database's integer: a 500)."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

# No list here is browsed that far (a million rows at the largest page size).
MAX_PAGE = 10_000


class LookaheadPagination:
    page_size = 24
    max_page_size = 100

    def __init__(self) -> None:
        self.request: Request | None = None
        self.page = 1
        self.has_next = False

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | Sequence[Any],  # or a lazy sequence that reads only a slice
        request: Request,
        view: APIView | None = None,
    ) -> Sequence[Any]:
        self.request = request
        try:
            self.page = int(request.query_params.get("page", 1))
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError as exc:
            raise exceptions.ValidationError({"page": ["A page is a whole number."]}) from exc
        if self.page < 1 or not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page": [f"Pages start at 1 and hold 1 to {self.max_page_size} items."]}
            )
        if self.page > MAX_PAGE:
            raise exceptions.NotFound(_("There is no such page."))
        self.page_size = size
        start = (self.page - 1) * size
        rows = list(queryset[start : start + size + 1])
        if not rows and self.page > 1:
            raise exceptions.NotFound(_("There is no such page."))
        self.has_next = len(rows) > size
        return rows[:size]

    def _link(self, page: int) -> str:
        assert self.request is not None  # noqa: S101  (set by paginate_queryset)
        url = self.request.build_absolute_uri()
        if page == 1:
            return remove_query_param(url, "page")
        return replace_query_param(url, "page", page)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "results": data,
                "next": self._link(self.page + 1) if self.has_next else None,
                "previous": self._link(self.page - 1) if self.page > 1 else None,
            }
        )
