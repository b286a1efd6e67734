"""The daphne adjustments are installed only under daphne, and do what they say."""

import importlib
from typing import Any

import pytest

from realtime import daphne_compat


@pytest.fixture
def fresh_install(monkeypatch: pytest.MonkeyPatch) -> Any:
    protocol = importlib.import_module("daphne.ws_protocol").WebSocketProtocol
    autobahn_protocol = importlib.import_module("autobahn.websocket.protocol")
    monkeypatch.setattr(daphne_compat, "_installed", False)
    monkeypatch.setattr(protocol, "serverClose", protocol.serverClose)
    for helper in ("hltype", "hlval"):
        monkeypatch.setattr(autobahn_protocol, helper, getattr(autobahn_protocol, helper))
    daphne_compat.install_once()
    return protocol, autobahn_protocol


def test_log_decorations_become_plain_values(fresh_install: Any) -> None:
    _protocol, autobahn_protocol = fresh_install
    assert autobahn_protocol.hlval(42) == 42
    assert autobahn_protocol.hltype(len) is len  # no inspect, no click.style


def test_rfc_close_codes_are_sent_as_close_frames(fresh_install: Any) -> None:
    protocol, _autobahn = fresh_install
    sent: list[dict[str, Any]] = []

    class Fake:
        def sendCloseFrame(self, **kwargs: Any) -> None:
            sent.append(kwargs)

    protocol.serverClose(Fake(), 1009)
    assert sent == [{"code": 1009, "isReply": False}]
