"""Patches to daphne's WebSocket server (daphne, autobahn, Twisted), each shown needed.

Production runs uvicorn, which needs none (docs/operations.md). Daphne serves `make run`, the
live tests and the benchmarks' daphne runs; config/asgi.py calls `install()` when daphne's own
start-up imports it, before any socket, and in no other process. Each patch relies on private
internals of the versions in `WRITTEN_FOR`: `install()` checks them and leaves a library that
differs untouched, with one warning. tests/realtime/test_daphne_compat.py fails when those
internals change.

1. "close codes": let daphne send the RFC 6455 close codes the gateway uses (1001, 1008,
   1009, 1011, 1013; docs/protocol.md). daphne passes an application's close code to
   autobahn's `sendClose`, which accepts only 1000 and 3000-4999 and raises otherwise: a frame
   over 64 KiB closed the socket with 1011 instead of 1009
   (tests/realtime/test_live.py::test_oversized_frame_closes_1009 sees the difference). For
   those codes, do what `sendClose` does after its check: send the close frame.

2. "write at once": write to a socket at once when nothing waits to be written. Twisted's TCP
   transport buffers every write and asks the reactor to say when the socket is writable: two
   `epoll_ctl` calls and a reactor turn per push per member, besides the `send`. Measured in
   docs/performance.md (chat fan-out, fifth session, "Daphne writes to the socket at once"):
   500 members, p50 54.2 -> 29.9 ms at 10 msg/s and 430 -> 25.6 ms at 20 msg/s; the fan-out
   ceiling from none to 10,000 deliveries/s (docs/chat.md). Only taken with an empty buffer, so
   what is buffered keeps its turn, and never once TLS has started on the connection (that
   write must go through the TLS layer); a failed `send` leaves the data to Twisted's own path,
   which reports the error as it always did.

3. "frame once": frame a text push once for all its recipients. A push to a room is the same
   text object sent to every member in a row; daphne encoded it and autobahn's `sendMessage`
   checked, counted, built a header and copied the payload, per member: a third of the event
   loop per delivery. Measured in docs/performance.md (chat fan-out, seventh session): p99 at
   186 msg/s x 500 went from 259 to 54 ms, and the ceiling from 59,605 to 93,132 deliveries/s
   (0.26x -> 0.41x the bare server). Only for a plain text frame (open socket, no compression,
   no fragmenting, nothing queued, frame logging off); anything else takes autobahn's path.
   autobahn's per-connection traffic statistics are not counted on the shortcut: nobody reads
   them.

Besides the patches, `install()` routes daphne's access log through the `daphne.access` logger
(`_log_access_through_logging`): daphne writes it straight to stdout, past the filter that
redacts calendar-feed tokens and tickets (core/logging.py) and past `LOG_FORMAT`. It replaces
the class daphne's command line instantiates after loading the application, so it relies on
daphne only, is taken on the daphne of WRITTEN_FOR alone, and says nothing in the log (the
patches' one line stays the only one).
"""

import importlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

logger = logging.getLogger(__name__)

# The versions whose internals the patches were written against and tested with (uv.lock).
WRITTEN_FOR = {"daphne": "4.2.3", "autobahn": "26.10.2", "Twisted": "26.10.0"}

# Codes RFC 6455 defines for endpoints to send, which autobahn refuses from applications.
RFC_CLOSE_CODES = frozenset({1001, 1008, 1009, 1011, 1013})


@dataclass(frozen=True)
class Patch:
    """One replaced method of a library class: `replace(original)` returns the new one."""

    name: str
    module: str
    owner: str
    attribute: str
    relies_on: tuple[str, ...]  # distributions (keys of WRITTEN_FOR) whose internals it reads
    replace: Callable[[Any], Callable[..., Any]]

    def owner_class(self) -> Any:
        return getattr(importlib.import_module(self.module), self.owner)


def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, None when it is not installed."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def daphne_serves() -> bool:
    """Whether daphne serves this process: only its command line (`daphne`, `python -m
    daphne`) and its `runserver` import these modules. Importing `daphne.server` proves
    nothing: "daphne" in INSTALLED_APPS imports it in every process."""
    return "daphne.cli" in sys.modules or "daphne.management.commands.runserver" in sys.modules


_installed: list[str] | None = None  # names of the patches applied; None before install()


def install() -> list[str]:
    """Apply each patch whose libraries are the versions in WRITTEN_FOR; leave the others'
    libraries untouched and name them in one warning. Returns the names applied. Once per
    process: a later call changes nothing and returns the same names."""
    global _installed  # a once-per-process switch
    if _installed is not None:
        return _installed
    found = {name: installed_version(name) for name in WRITTEN_FOR}
    applied: list[str] = []
    skipped: list[str] = []
    for patch in PATCHES:
        changed = [
            f"{name} {found[name] or 'not installed'} (written for {WRITTEN_FOR[name]})"
            for name in patch.relies_on
            if found[name] != WRITTEN_FOR[name]
        ]
        if changed:
            skipped.append(f"{patch.name}: {', '.join(changed)}")
            continue
        owner = patch.owner_class()
        setattr(owner, patch.attribute, patch.replace(getattr(owner, patch.attribute)))
        applied.append(patch.name)
    if found["daphne"] == WRITTEN_FOR["daphne"]:
        _log_access_through_logging()
    if skipped:
        logger.warning(
            "daphne runs without these patches, written for other library versions (check "
            "realtime/daphne_compat.py against the installed ones, then update WRITTEN_FOR): %s",
            "; ".join(skipped),
        )
    logger.info("daphne patched: %s", ", ".join(applied) or "nothing")
    _installed = applied
    return applied


def _log_access_through_logging() -> None:
    """Have daphne's command line log each access line to `daphne.access` when it would write
    it to stdout (its default); a file given with `--access-log` gets the line as before,
    redacted. The NCSA date is left out: the log format has a time of its own. Only where
    daphne's command line runs (never imported here: its presence is what `daphne_serves`
    reads); its `runserver` logs through logging already."""
    cli: Any = sys.modules.get("daphne.cli")
    if cli is None:
        return
    from daphne import access

    from core.logging import redact

    access_logger = logging.getLogger("daphne.access")

    class LoggedAccessLog(access.AccessLogGenerator):  # type: ignore[misc]
        def write_entry(
            self,
            host: str,
            date: Any,
            request: str,
            status: int | None = None,
            length: int | None = None,
            ident: str | None = None,
            user: str | None = None,
        ) -> None:
            if self.stream is sys.stdout:
                access_logger.info(
                    '%s %s %s "%s" %s %s',
                    *(host, ident or "-", user or "-", request, status or "-", length or "-"),
                )
            else:
                super().write_entry(host, date, redact(request), status, length, ident, user)

    cli.AccessLogGenerator = LoggedAccessLog


def _send_rfc_close_codes(original: Any) -> Callable[..., None]:
    def server_close(self: Any, code: int | None = None) -> None:
        if code in RFC_CLOSE_CODES:
            self.sendCloseFrame(code=code, isReply=False)
        else:
            original(self, code)

    return server_close


def _write_at_once(buffered_write: Any) -> Callable[..., None]:
    def write(self: Any, data: bytes) -> None:
        if (
            isinstance(data, bytes)
            and 0 < len(data) <= self.SEND_LIMIT
            and self.connected
            and not self.disconnecting
            and not self._writeDisconnected
            and not self.TLS  # TLS bytes must go through the TLS layer
            and not self._tempDataBuffer  # nothing waits its turn
            and self.offset == len(self.dataBuffer)
        ):
            try:
                sent = self.socket.send(data)
            except OSError:  # full (EAGAIN) or broken: Twisted's path handles both
                sent = 0
            if sent == len(data):
                return
            data = data[sent:]
        buffered_write(self, data)

    return write


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (RFC 6455 5.2), as a server sends it."""
    payload = text.encode("utf-8")
    size = len(payload)
    if size <= 125:
        header = bytes((0x81, size))
    elif size <= 0xFFFF:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


def _frame_text_once(original: Any) -> Callable[..., None]:
    # The last text sent and its frame. Holding the text keeps its identity unique.
    last: list[Any] = [None, b""]

    def server_send(self: Any, content: Any, binary: bool = False) -> None:
        if (
            not binary
            and type(content) is str
            and self.state == self.STATE_OPEN
            and self._perMessageCompress is None
            and not self.send_queue
            and not self.logFrames
            and not self.trackedTimings
            and not self.maskServerFrames
        ):
            if content is last[0]:
                frame = last[1]
            else:
                frame = text_frame(content)
                last[0], last[1] = content, frame
            size = len(frame)  # header included: a conservative test of both limits
            if not (0 < self.autoFragmentSize < size or 0 < self.maxMessagePayloadSize < size):
                self.transport.write(frame)
                return
        original(self, content, binary)

    return server_send


PATCHES = (
    Patch(
        "close codes",
        "daphne.ws_protocol",
        "WebSocketProtocol",
        "serverClose",
        ("daphne", "autobahn"),
        _send_rfc_close_codes,
    ),
    Patch(
        "write at once",
        "twisted.internet.tcp",
        "Connection",
        "write",
        ("Twisted",),
        _write_at_once,
    ),
    Patch(
        "frame once",
        "daphne.ws_protocol",
        "WebSocketProtocol",
        "serverSend",
        ("daphne", "autobahn"),
        _frame_text_once,
    ),
)
