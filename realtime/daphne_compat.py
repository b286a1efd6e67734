"""Four adjustments to daphne's WebSocket layer (autobahn, Twisted), made when daphne serves.

1. Let daphne send the RFC 6455 close codes the gateway uses (1009, 1011, 1013).

ASGI lets an application close with any code, but daphne passes it to autobahn's `sendClose`,
which accepts only 1000 and 3000-4999 from applications: closing with 1009 ("message too big")
raises inside daphne and the client sees 1011 instead. For those codes, do what `sendClose`
does after its check: send the close frame.

2. Stop colouring debug-log arguments nobody logs. autobahn builds the arguments of its
debug log calls on every frame sent and received, and two of them (`hltype`, `hlval`) call
`inspect` and `click.style` several times: measured as a visible share of daphne's CPU per
delivered push in the chat and signalling benchmarks. They only decorate log text, so plain
values do.

3. Write to a socket at once when nothing waits to be written. Twisted's TCP transport buffers
every write and asks the reactor to say when the socket is writable: each push to each member
cost two `epoll_ctl` calls and a reactor turn besides its `send`, where asyncio (uvicorn) tries
the `send` first and buffers only what the socket did not take. With 500 members at 10
messages/s the fan-out p50 went from 54 to 30 ms, and 20 messages/s from 430 to 26 ms
(bench/chat_fanout.py, docs/performance.md). Whatever is already buffered keeps its turn:
the shortcut is only taken with an empty buffer, and any error leaves the data to Twisted's
own path, which reports it as it always did.

4. Frame a text push once for all its recipients. A push to a room is the same text object sent
to every member in a row; daphne encoded it to UTF-8 for each of them, and autobahn's
`sendMessage` checked its arguments, counted traffic statistics, built the header and copied
the payload into a new frame, for each of them: a third of the event loop's time per
delivery. For a plain text frame (open socket, no compression, no fragmenting, nothing
queued, frame logging off) the frame of the last text sent is kept and written as is.
Anything else takes autobahn's path. The traffic statistics autobahn keeps per connection are
not counted on the shortcut: neither daphne nor we read them.

Installed the first time a socket arrives, and only when daphne serves it, so other processes
never import twisted.
"""

import logging
import sys
from typing import Any

logger = logging.getLogger(__name__)

# Codes RFC 6455 defines for endpoints to send, which autobahn refuses from applications.
RFC_CLOSE_CODES = frozenset({1001, 1008, 1009, 1011, 1013})
_MARK = "_backstage_patched"  # on what this module replaced, so it is replaced once
_installed = False


def install_once() -> None:
    """Make the four adjustments if daphne is serving; idempotent."""
    global _installed  # a once-per-process switch
    if _installed:
        return
    module = sys.modules.get("daphne.ws_protocol")
    if module is None:
        return  # not under daphne (tests' communicator, another server): nothing to do
    _installed = True
    _send_rfc_close_codes(module.WebSocketProtocol)
    _plain_log_arguments()
    _write_at_once()
    _frame_text_once(module.WebSocketProtocol)


def _unpatched(owner: Any, name: str, needs: tuple[str, ...], otherwise: str) -> Any:
    """`owner.<name>` to be replaced, or None: when this module replaced it already, or when
    `owner` lacks an attribute the replacement `needs` (then logs what `otherwise` happens)."""
    original = getattr(owner, name)
    if getattr(original, _MARK, False):
        return None
    if not all(hasattr(owner, need) for need in needs):
        logger.warning("daphne, autobahn or twisted changed: %s", otherwise)
        return None
    return original


def _replace(owner: Any, name: str, replacement: Any) -> None:
    setattr(replacement, _MARK, True)
    setattr(owner, name, replacement)


def _send_rfc_close_codes(protocol: Any) -> None:
    original = _unpatched(
        protocol, "serverClose", ("sendCloseFrame",), "close codes 1009/1011 go out as 1011"
    )
    if original is None:
        return

    def server_close(self: Any, code: int | None = None) -> None:
        if code in RFC_CLOSE_CODES:
            self.sendCloseFrame(code=code, isReply=False)
        else:
            original(self, code)

    _replace(protocol, "serverClose", server_close)


def _plain(value: Any, *_args: Any, **_kwargs: Any) -> Any:
    return value


def _plain_log_arguments() -> None:
    for name in ("autobahn.websocket.protocol", "autobahn.twisted.websocket"):
        module = sys.modules.get(name)
        if module is None or logging.getLogger("autobahn").isEnabledFor(logging.DEBUG):
            continue
        for helper in ("hltype", "hlval"):
            if hasattr(module, helper):
                setattr(module, helper, _plain)


# What the shortcut reads of Twisted's FileDescriptor (twisted.internet.abstract).
_TCP_STATE = ("dataBuffer", "offset", "disconnecting", "_writeDisconnected", "SEND_LIMIT")


def _write_at_once() -> None:
    from twisted.internet import tcp

    connection = tcp.Connection
    buffered_write = _unpatched(connection, "write", _TCP_STATE, "every write is buffered")
    if buffered_write is None:
        return

    def write(self: Any, data: bytes) -> None:
        if (
            isinstance(data, bytes)
            and 0 < len(data) <= self.SEND_LIMIT
            and self.connected
            and not self.disconnecting
            and not self._writeDisconnected
            and getattr(self, "_tempDataBuffer", None) == []  # nothing waits its turn
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

    _replace(connection, "write", write)


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


def _frame_text_once(protocol: Any) -> None:
    original = _unpatched(
        protocol, "serverSend", ("STATE_OPEN",), "each push is framed once per member"
    )
    if original is None:
        return
    # The last text sent and its frame. Holding the text keeps its identity unique.
    last: list[Any] = [None, b""]

    def server_send(self: Any, content: Any, binary: bool = False) -> None:
        try:
            plain = (
                not binary
                and type(content) is str
                and self.state == self.STATE_OPEN
                and self._perMessageCompress is None
                and not self.send_queue
                and not self.logFrames
                and not self.trackedTimings
                and not self.maskServerFrames
            )
        except AttributeError:  # autobahn changed under us: its own path knows
            plain = False
        if plain:
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

    _replace(protocol, "serverSend", server_send)
