"""The daphne adjustments are installed only under daphne, and do what they say."""

import importlib
from typing import Any, cast

import pytest
from autobahn.websocket.protocol import WebSocketProtocol

from realtime import daphne_compat


@pytest.fixture
def fresh_install(monkeypatch: pytest.MonkeyPatch) -> Any:
    protocol = importlib.import_module("daphne.ws_protocol").WebSocketProtocol
    autobahn_protocol = importlib.import_module("autobahn.websocket.protocol")
    monkeypatch.setattr(daphne_compat, "_installed", False)
    monkeypatch.setattr(protocol, "serverClose", protocol.serverClose)
    monkeypatch.setattr(protocol, "serverSend", protocol.serverSend)
    tcp = importlib.import_module("twisted.internet.tcp")
    monkeypatch.setattr(tcp.Connection, "write", tcp.Connection.write)
    for helper in ("hltype", "hlval"):
        monkeypatch.setattr(autobahn_protocol, helper, getattr(autobahn_protocol, helper))
    unpatched_send = protocol.serverSend
    daphne_compat.install_once()
    return protocol, autobahn_protocol, unpatched_send


def test_log_decorations_become_plain_values(fresh_install: Any) -> None:
    _protocol, autobahn_protocol, _send = fresh_install
    assert autobahn_protocol.hlval(42) == 42
    assert autobahn_protocol.hltype(len) is len  # no inspect, no click.style


def test_twisted_writes_at_once_once_installed(fresh_install: Any) -> None:
    from twisted.internet import tcp

    assert getattr(tcp.Connection.write, daphne_compat._MARK, False)


def test_rfc_close_codes_are_sent_as_close_frames(fresh_install: Any) -> None:
    protocol, _autobahn, _send = fresh_install
    sent: list[dict[str, Any]] = []

    class Fake:
        def sendCloseFrame(self, **kwargs: Any) -> None:
            sent.append(kwargs)

    protocol.serverClose(Fake(), 1009)
    assert sent == [{"code": 1009, "isReply": False}]


class _Written:
    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.frames.append(data)


def _open_socket(protocol_class: Any) -> Any:
    """A daphne WebSocketProtocol in the state autobahn leaves an open server socket in, as
    daphne configures it (no compression, no fragmenting), writing to a recorder."""
    from collections import deque

    from autobahn.websocket.protocol import TrafficStats

    socket = protocol_class()
    socket.state = socket.STATE_OPEN
    socket.factory = type("Factory", (), {"isServer": True})()
    socket.client_addr = ("127.0.0.1", 50000)
    socket.transport = _Written()
    socket.trafficStats = TrafficStats()
    socket._perMessageCompress = None
    socket.send_queue = deque()
    socket.logFrames = socket.logOctets = False
    socket.trackedTimings = None
    socket.maskServerFrames = False
    socket.autoFragmentSize = 0
    socket.maxMessagePayloadSize = 65536
    return socket


TEXTS = ["a", "x" * 125, "x" * 126, "é" * 63, "x" * 65535, "😀" * 16000, '{"type":"message.new"}']


def test_text_frames_are_the_bytes_autobahn_sends(fresh_install: Any) -> None:
    protocol, _autobahn, unpatched_send = fresh_install
    for text in TEXTS:
        ours, theirs = _open_socket(protocol), _open_socket(protocol)
        ours.serverSend(text, False)
        unpatched_send(theirs, text, False)
        assert ours.transport.frames == theirs.transport.frames, len(text)
        assert len(ours.transport.frames) == 1


def test_a_push_to_many_members_is_framed_once(fresh_install: Any) -> None:
    protocol, _autobahn, _send = fresh_install
    text = '{"type":"message.new","topic":"room:1","data":{}}'
    members = [_open_socket(protocol) for _ in range(3)]
    for member in members:
        member.serverSend(text, False)
    first, second, third = (member.transport.frames[0] for member in members)
    assert first is second is third


@pytest.mark.parametrize(
    ("change", "content", "binary"),
    [
        ({}, b"bytes", True),
        ({"_perMessageCompress": object()}, "text", False),
        ({"send_queue": [(b"queued", False)]}, "text", False),
        ({"autoFragmentSize": 4}, "longer than four", False),
        ({"maxMessagePayloadSize": 4}, "longer than four", False),
        ({"logFrames": True}, "text", False),
        ({"state": WebSocketProtocol.STATE_CLOSING}, "text", False),
    ],
    ids=["binary", "compressed", "queued", "fragmented", "too-big", "logged", "closing"],
)
def test_anything_but_a_plain_text_frame_takes_autobahns_path(
    fresh_install: Any, change: dict[str, Any], content: Any, binary: bool
) -> None:
    protocol, _autobahn, _send = fresh_install
    socket = _open_socket(protocol)
    for name, value in change.items():
        setattr(socket, name, value)
    taken: list[Any] = []
    socket.sendMessage = lambda payload, binary: taken.append((payload, binary))
    socket.serverSend(content, binary)
    assert socket.transport.frames == []
    expected = content if binary else content.encode()
    assert taken == [(expected, binary)]


class _Reactor:
    """What a Twisted transport asks of its reactor when it buffers: to be told when its socket
    is writable."""

    def __init__(self) -> None:
        self.writers: set[Any] = set()

    def addWriter(self, writer: Any) -> None:
        self.writers.add(writer)

    def removeWriter(self, writer: Any) -> None:
        self.writers.discard(writer)


@pytest.fixture
def tcp_pair(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Twisted TCP transport (with the shortcut installed) on one end of a real socket pair;
    the other end, non-blocking, and the transport's reactor."""
    import socket

    from twisted.internet import protocol, tcp

    monkeypatch.setattr(tcp.Connection, "write", tcp.Connection.write)
    daphne_compat._write_at_once()
    ours, peer = socket.socketpair()
    for end in (ours, peer):
        end.setblocking(False)
    reactor = _Reactor()
    # zope interfaces, which mypy does not see implemented: typed loosely.
    transport = tcp.Connection(ours, cast(Any, protocol.Protocol()), reactor=cast(Any, reactor))
    transport.connected = True
    yield transport, peer, reactor
    ours.close()
    peer.close()


def _read_all(peer: Any) -> bytes:
    received = b""
    while True:
        try:
            chunk = peer.recv(1 << 20)
        except BlockingIOError:
            return received
        if not chunk:
            return received
        received += chunk


def test_a_write_with_nothing_waiting_goes_out_at_once(tcp_pair: Any) -> None:
    transport, peer, reactor = tcp_pair
    transport.write(b"hello")
    assert peer.recv(100) == b"hello"  # no reactor turn happened
    assert reactor.writers == set()


def test_a_write_queues_behind_what_the_socket_did_not_take(tcp_pair: Any) -> None:
    transport, peer, reactor = tcp_pair
    chunk = bytes(range(256)) * 256  # 64 KB, under Twisted's SEND_LIMIT
    written: list[bytes] = []
    while not reactor.writers:  # until the socket is full and Twisted buffers the rest
        transport.write(chunk)
        written.append(chunk)
    received = _read_all(peer)  # the socket has room again, but data is still waiting
    transport.write(b"tail")
    written.append(b"tail")
    received += _read_all(peer)
    assert not received.endswith(b"tail")  # still waiting behind the buffered data
    while reactor.writers:  # the reactor's turns: Twisted sends what it buffered
        transport.doWrite()
        received += _read_all(peer)
    received += _read_all(peer)
    assert received == b"".join(written)  # in order: the tail did not jump the queue


def test_a_failing_send_is_left_to_twisted(tcp_pair: Any) -> None:
    import socket

    from twisted.internet.error import ConnectionLost

    transport, _peer, reactor = tcp_pair
    transport.socket.shutdown(socket.SHUT_WR)  # send() now fails with EPIPE
    transport.write(b"lost")  # no exception here: Twisted's path gets the data
    assert reactor.writers == {transport}
    assert isinstance(transport.doWrite(), ConnectionLost)  # and reports it as it always did
