"""Three adjustments to daphne's WebSocket layer (autobahn, Twisted), made when daphne serves.

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
    """Patch daphne's WebSocketProtocol.serverClose if daphne is serving; idempotent."""
    global _installed  # a once-per-process switch
    if _installed:
        return
    module = sys.modules.get("daphne.ws_protocol")
    if module is None:
        return  # not under daphne (tests' communicator, another server): nothing to do
    _installed = True
    _plain_log_arguments()
    _write_at_once()
    protocol = module.WebSocketProtocol
    original = protocol.serverClose
    if getattr(original, _MARK, False):
        return
    if not hasattr(protocol, "sendCloseFrame"):
        logger.warning("daphne/autobahn changed: close codes 1009/1011 will be sent as 1011")
        return

    def server_close(self: Any, code: int | None = None) -> None:
        if code in RFC_CLOSE_CODES:
            self.sendCloseFrame(code=code, isReply=False)
        else:
            original(self, code)

    setattr(server_close, _MARK, True)
    protocol.serverClose = server_close


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
    buffered_write: Any = connection.write
    if getattr(buffered_write, _MARK, False):
        return
    if not all(hasattr(connection, name) for name in _TCP_STATE):
        logger.warning("twisted changed: daphne keeps buffering every write")
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

    setattr(write, _MARK, True)
    connection.write = write  # type: ignore[method-assign]
