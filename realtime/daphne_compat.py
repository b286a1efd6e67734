"""Let daphne send the RFC 6455 close codes the gateway uses (1009, 1011).

ASGI lets an application close with any code, but daphne passes it to autobahn's `sendClose`,
which accepts only 1000 and 3000-4999 from applications: closing with 1009 ("message too big")
raises inside daphne and the client sees 1011 instead. For those codes, do what `sendClose`
does after its check: send the close frame. Installed the first time a socket arrives, and
only when daphne serves it, so other processes never import twisted.
"""

import logging
import sys
from typing import Any

logger = logging.getLogger(__name__)

# Codes RFC 6455 defines for endpoints to send, which autobahn refuses from applications.
RFC_CLOSE_CODES = frozenset({1001, 1008, 1009, 1011})
_MARK = "_backstage_rfc_close_codes"
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
