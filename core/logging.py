"""Log records as the web processes write them: secrets redacted, plain or JSON lines.

`RedactSecrets` sits on every handler of `LOGGING` (config/settings.py), so it sees the
servers' access logs (uvicorn's `uvicorn.access` and `uvicorn.error`, which logs a socket's
query string; daphne's, routed to `daphne.access` by realtime/daphne_compat.py) as well as
Django's `django.request` and `django.server`. `JsonFormatter` writes one JSON object a line
when `LOG_FORMAT=json`.
"""

import logging
import re
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from core.client_ip import client_address

REDACTED = "[redacted]"

# Secrets that travel in URLs, hence into request lines.
_SECRETS = (
    # The calendar feed, /meetings/feed/<token>.ics (scheduling/urls.py): the token alone
    # opens a user's meetings. The whole last segment goes, ".ics" too: never half a token.
    (re.compile(r"(/meetings/feed/)[^/\s?#\"']+"), rf"\g<1>{REDACTED}"),
    # `?ticket=` opens a gateway socket (realtime/auth.py); `token=` for any token in a query.
    (re.compile(r"([?&;](?:ticket|token)=)[^&;\s#\"']*"), rf"\g<1>{REDACTED}"),
)
# A cheap test first: most records hold neither, and the filter runs for every record.
_MARKERS = ("/meetings/feed/", "ticket=", "token=")


def redact(text: str) -> str:
    """`text` with the secrets above replaced by REDACTED."""
    if not any(marker in text for marker in _MARKERS):
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Redact secrets in a record's message and its arguments. Arguments are redacted one by
    one, not merged into the message, so formatters that read them (uvicorn's reads the
    request line from `args`) still work. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time, level, logger, process, message, and the record's extra
    fields. A record about a request (django.request) gets the client's address by the
    trusted-proxy rule (core/client_ip.py) instead of the request object."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        request = log_data.pop("request", None)
        if isinstance(request, HttpRequest):
            log_data["client"] = client_address(request)
        # django.server's extra: a datetime string that repeats `time`.
        log_data.pop("server_time", None)
