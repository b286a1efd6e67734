"""The OpenAPI schema tells the truth about errors: every operation documents the error
responses it can give, in the one shape of `core.api_errors`.

drf-spectacular documents only the success of an operation; clients (and the schemathesis run
of tests/config/test_api_schema_fuzz.py) need the refusals too. They are added here, from what
the operation is (its method, parameters, body, throttles), rather than on every view.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.fields import Field

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# DRF's TimeField reads and writes a wall-clock time without an offset ("18:30", "18:30:00"),
# which JSON Schema's format "time" (RFC 3339, offset required) refuses.
WALL_CLOCK_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"

_DESCRIPTIONS = {
    400: "Invalid input (`bad_request`): `fields` names the inputs at fault.",
    401: "Not signed in (`unauthorized`).",
    403: "Not allowed (`forbidden`, or a more precise code such as `consent_required`); also "
    "the answer to a caller who is not signed in.",
    404: "Nothing here that the caller may see (`not_found`).",
    409: "Valid, but clashes with the current state (`conflict`).",
    415: "The body is not JSON (`unsupported_media_type`).",
    429: "Too many requests (`rate_limited`): `retry_after` says how many seconds to wait.",
    503: "A service the server needs (database, Redis) is unavailable: try again later.",
}

_RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer"},
}

# The body of every error answer, as core.api_errors makes it: the components `Error` and
# `ErrorDetail`. (Built from a dict: a serializer field named `fields` would shadow the
# serializer's own `fields` for the type checker.)
ERROR_BODY = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(
                    help_text="A protocol error code, as on the WebSocket."
                ),
                "message": serializers.CharField(
                    help_text="For the user; never names what they may not see."
                ),
                "fields": serializers.DictField(
                    required=False, help_text="Messages by input name (for `bad_request`)."
                ),
                "retry_after": serializers.IntegerField(
                    required=False, help_text="Seconds to wait (for `rate_limited`)."
                ),
            },
        )
    },
)


def paginated(serializer: type[serializers.BaseSerializer[Any]], name: str) -> Any:
    """The schema of a page of `core.pagination.LookaheadPagination`: the component
    `Paginated<name>List`, made once per name (at import, next to the view)."""
    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "results": serializer(many=True),
            "next": serializers.URLField(allow_null=True, help_text="The next page, if any."),
            "previous": serializers.URLField(
                allow_null=True, help_text="The previous page, if any."
            ),
        },
    )


class BackstageAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the error responses each operation can give."""

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        component = self.resolve_serializer(ERROR_BODY, "response")
        responses: dict[str, Any] = operation["responses"]
        for status in self._error_statuses(operation):
            response: dict[str, Any] = {
                "description": _DESCRIPTIONS[status],
                "content": {"application/json": {"schema": component.ref}},
            }
            if status in (429, 503):
                response["headers"] = {"Retry-After": _RETRY_AFTER}
            # A view's own declaration of an error status wins over the generic one.
            responses.setdefault(str(status), response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_serializer_field(
        self, field: Field[Any, Any, Any, Any], direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        # drf-spectacular has no type hints.
        schema: dict[str, Any] = super()._map_serializer_field(  # type: ignore[no-untyped-call]
            field, direction, bypass_extensions
        )
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            del schema["format"]
            schema["pattern"] = WALL_CLOCK_TIME_PATTERN
        return schema

    def _error_statuses(self, operation: dict[str, Any]) -> list[int]:
        parameters = operation.get("parameters", [])
        locations = {parameter.get("in") for parameter in parameters}
        paged = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
        writes = self.method in _WRITE_METHODS
        has_body = "requestBody" in operation
        # Every view can refuse (permission, inactive account, CSRF on a session) and every
        # view needs the database: 403 and 503 are always possible.
        statuses = {403, 503}
        if writes or has_body or "query" in locations:
            statuses.add(400)
        if self._challenges():
            statuses.add(401)
        if writes or "path" in locations or paged or self._paginated():
            # A missing row named in the path or the body; a page past the last one.
            statuses.add(404)
        if writes:
            statuses.add(409)
        if has_body:
            statuses.add(415)
        if self.view.get_throttles():
            statuses.add(429)
        return sorted(statuses)

    def _challenges(self) -> bool:
        """Whether DRF answers a missing or wrong login with 401: only when the view names a
        challenge (`WWW-Authenticate`); otherwise it answers 403."""
        return bool(self.view.get_authenticate_header(self.view.request))

    def _paginated(self) -> bool:
        # drf-spectacular has no type hints.
        paginator = self._get_paginator()  # type: ignore[no-untyped-call]
        return self._is_list_view() and paginator is not None
