"""The edge's rules for JSON input, shared by the REST API and the WebSocket gateway.

A body or frame is refused (400 / `bad_request`) when it nests deeper than MAX_JSON_DEPTH or
when any of its strings, keys included, holds a NUL or an unpaired surrogate: PostgreSQL
cannot store a NUL, and a lone surrogate cannot be encoded in UTF-8, so an error message that
echoed one failed to render (a 500). Checking once here spares every serializer and schema.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

# Real payloads nest a few levels (a signal's candidate, a window's fields); 32 is plenty and
# far below where the json module's recursion gives up (~1000, less on a deep stack).
MAX_JSON_DEPTH = 32
# Decoded JSON holds a surrogate code point only when it was unpaired: json pairs the others.
_FORBIDDEN_CHARACTER = re.compile("[\x00\ud800-\udfff]")

ProblemReason = Literal["depth", "text"]


def text_is_clean(text: str) -> bool:
    """Whether `text` holds neither a NUL nor an unpaired surrogate."""
    return _FORBIDDEN_CHARACTER.search(text) is None


def too_deep_message() -> str:
    return gettext("The JSON is nested too deeply: at most %(max)d levels.") % {
        "max": MAX_JSON_DEPTH
    }


def bad_text_message() -> str:
    return gettext("Text may not contain NUL characters or unpaired surrogates.")


@dataclass(frozen=True)
class InputProblem:
    """Why a decoded JSON value is refused, and under which top-level key (None when the key
    itself is at fault or the value is not an object). Never holds the offending text."""

    reason: ProblemReason
    field: str | None

    @property
    def message(self) -> str:
        return too_deep_message() if self.reason == "depth" else bad_text_message()

    def as_validation_error(self) -> ValidationError:
        return ValidationError({self.field or "non_field_errors": [self.message]})


def json_input_problem(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> InputProblem | None:
    """The first problem of a decoded JSON value, or None. Iterative: any depth is safe."""
    if isinstance(value, str):
        return None if text_is_clean(value) else InputProblem("text", None)
    # (container, its depth, the top-level key it sits under)
    pending: list[tuple[Any, int, str | None]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not text_is_clean(key):
                return InputProblem("text", None)
            if isinstance(item, str):
                if not text_is_clean(item):
                    return InputProblem("text", key)
            elif isinstance(item, (dict, list)):
                pending.append((item, 2, key))
    elif isinstance(value, list):
        pending.append((value, 1, None))
    while pending:
        container, depth, field = pending.pop()
        if depth > max_depth:
            return InputProblem("depth", field)
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, item in items:
            if isinstance(key, str) and not text_is_clean(key):
                return InputProblem("text", field)
            if isinstance(item, str):
                if not text_is_clean(item):
                    return InputProblem("text", field)
            elif isinstance(item, (dict, list)):
                pending.append((item, depth + 1, field))
    return None


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser with the limits above: 400 `bad_request` instead of a RecursionError
    or a string no database or renderer can take."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Raised by the C decoder before any Python frame grew: the stack is intact.
            raise ParseError(too_deep_message()) from None
        problem = json_input_problem(data)
        if problem is not None:
            raise problem.as_validation_error()
        return data
