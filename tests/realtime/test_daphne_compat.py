"""The daphne patches: pinned to the internals they were written for, installed explicitly and
once, left out on other versions, and doing what they say (each against the unpatched path)."""

import inspect
import logging
import socket
import sys
import types
from collections import deque
from collections.abc import Iterator
from typing import Any, cast

import pytest
from autobahn.websocket.protocol import WebSocketProtocol as AutobahnProtocol
from daphne.ws_protocol import WebSocketFactory
from daphne.ws_protocol import WebSocketProtocol as DaphneProtocol
from twisted.internet import _newtls, abstract, protocol, tcp
from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionLost
from twisted.internet.testing import StringTransport

from realtime import daphne_compat
from realtime.daphne_compat import PATCHES, WRITTEN_FOR

ALL = ["close codes", "write at once", "frame once"]
_MISSING = object()


def _targets() -> list[tuple[Any, str]]:
    return [(patch.owner_class(), patch.attribute) for patch in PATCHES]


def _own(owner: Any, name: str) -> Any:
    """What the class itself defines under `name` (not what it inherits)."""
    return vars(owner).get(name, _MISSING)


@pytest.fixture
def pristine(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The libraries as they are before install() (which this process never runs otherwise),
    restored after the test. Yields each patch's target as found, by patch name."""
    assert "daphne.cli" not in sys.modules  # nothing here installs the patches by itself
    monkeypatch.setattr(daphne_compat, "_installed", None)
    saved = [(owner, name, _own(owner, name)) for owner, name in _targets()]
    yield {patch.name: getattr(patch.owner_class(), patch.attribute) for patch in PATCHES}
    for owner, name, value in saved:
        if value is _MISSING:
            if name in vars(owner):
                delattr(owner, name)
        else:
            setattr(owner, name, value)


@pytest.fixture
def installed(pristine: dict[str, Any]) -> dict[str, Any]:
    """install() done; yields the unpatched originals, as positive controls."""
    assert daphne_compat.install() == ALL
    return pristine


# What the patches rely on. When one of these fails, a library changed: read the patch again
# against the new version before updating WRITTEN_FOR.


def test_the_installed_libraries_are_the_versions_the_patches_were_written_for() -> None:
    installed = {name: daphne_compat.installed_version(name) for name in WRITTEN_FOR}
    assert installed == WRITTEN_FOR


def test_each_patch_replaces_the_libraries_own_method(pristine: dict[str, Any]) -> None:
    defined_in = {
        "close codes": "daphne.ws_protocol",
        "write at once": "twisted.internet._newtls",  # tcp.Connection inherits it
        "frame once": "daphne.ws_protocol",
    }
    assert {name: found.__module__ for name, found in pristine.items()} == defined_in
    assert set().union(*(patch.relies_on for patch in PATCHES)) == set(WRITTEN_FOR)


def test_close_codes_relies_on_daphne_and_autobahn_as_they_were() -> None:
    server_close = inspect.signature(DaphneProtocol.serverClose)
    assert str(server_close) == "(self, code=None)"
    assert "self.sendClose(code=code)" in inspect.getsource(DaphneProtocol.serverClose)
    # The reason for the patch: autobahn still refuses RFC codes from applications.
    assert "if code != 1000 and not (3000 <= code <= 4999):" in inspect.getsource(
        AutobahnProtocol.sendClose
    )
    assert {"code", "reasonUtf8", "isReply"} <= set(
        inspect.signature(AutobahnProtocol.sendCloseFrame).parameters
    )


def test_write_at_once_relies_on_twisteds_buffers_as_they_were() -> None:
    # tcp.Connection's write: through the TLS layer once TLS started, else the descriptor's.
    assert tcp.Connection.write is _newtls.ConnectionMixin.write
    assert list(inspect.signature(tcp.Connection.write).parameters) == ["self", "bytes"]
    tls_write = inspect.getsource(tcp.Connection.write)
    assert "if self.TLS:" in tls_write
    assert "FileDescriptor.write(self, bytes)" in tls_write
    descriptor = abstract.FileDescriptor
    write = inspect.getsource(descriptor.write)
    # The reason for the patch: every write is buffered until the reactor's next turn.
    assert "self._tempDataBuffer.append(data)" in write
    assert "self.startWriting()" in write
    # The state the shortcut reads, and what "nothing waits to be written" means in doWrite.
    assert "self._tempDataBuffer: list[bytes] = []" in inspect.getsource(descriptor.__init__)
    do_write = inspect.getsource(descriptor.doWrite)
    assert "self.offset == len(self.dataBuffer)" in do_write
    assert "self._tempDataBuffer" in do_write
    for name in ("SEND_LIMIT", "dataBuffer", "offset", "disconnecting", "_writeDisconnected"):
        assert hasattr(tcp.Connection, name), name
    assert "connected" in vars(abstract.FileDescriptor)


def test_frame_once_relies_on_daphne_and_autobahn_as_they_were() -> None:
    assert str(inspect.signature(DaphneProtocol.serverSend)) == "(self, content, binary=False)"
    assert 'self.sendMessage(content.encode("utf8"), binary)' in inspect.getsource(
        DaphneProtocol.serverSend
    )
    # The state the shortcut reads, as autobahn sets it on a connection daphne configured.
    sock = _open_socket()
    assert sock.STATE_OPEN == AutobahnProtocol.STATE_OPEN
    assert sock._perMessageCompress is None
    assert sock.send_queue == deque()
    assert (sock.logFrames, sock.trackedTimings, sock.maskServerFrames) == (False, None, False)
    assert (sock.autoFragmentSize, sock.maxMessagePayloadSize) == (0, 65536)


# Installing: explicit, once, and never on other versions.


def test_importing_the_asgi_app_outside_daphne_patches_nothing(
    pristine: dict[str, Any],
) -> None:
    import config.asgi  # noqa: F401  (the tests' ASGI app, as uvicorn imports it too)

    assert "daphne.server" in sys.modules  # INSTALLED_APPS loads daphne everywhere...
    assert not daphne_compat.daphne_serves()  # ...so that is not what tells daphne serves
    assert "write" not in vars(tcp.Connection)
    assert DaphneProtocol.serverSend is pristine["frame once"]
    assert DaphneProtocol.serverClose is pristine["close codes"]


@pytest.mark.parametrize("entry", ["daphne.cli", "daphne.management.commands.runserver"])
def test_daphne_serves_under_its_command_line_or_runserver(
    monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    assert not daphne_compat.daphne_serves()
    monkeypatch.setitem(sys.modules, entry, types.ModuleType(entry))
    assert daphne_compat.daphne_serves()


def test_install_applies_every_patch_once(
    pristine: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=daphne_compat.__name__)
    assert daphne_compat.install() == ALL
    replaced = [_own(owner, name) for owner, name in _targets()]
    originals = [pristine[patch.name] for patch in PATCHES]
    assert all(new is not old for new, old in zip(replaced, originals, strict=True))
    assert daphne_compat.install() == ALL  # a second call changes nothing
    assert [_own(owner, name) for owner, name in _targets()] == replaced
    logged = [r.getMessage() for r in caplog.records if r.name == daphne_compat.__name__]
    assert logged == ["daphne patched: close codes, write at once, frame once"]


def test_a_changed_library_is_left_untouched_with_one_warning(
    pristine: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    found = dict(WRITTEN_FOR, Twisted="27.1.0")
    monkeypatch.setattr(daphne_compat, "installed_version", found.get)
    assert daphne_compat.install() == ["close codes", "frame once"]
    assert "write" not in vars(tcp.Connection)  # Twisted untouched
    assert DaphneProtocol.serverSend is not pristine["frame once"]  # the others applied
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "write at once: Twisted 27.1.0 (written for 26.10.0)" in warnings[0].getMessage()


def test_every_library_changed_touches_nothing(
    pristine: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(daphne_compat, "installed_version", lambda _name: None)
    before = [_own(owner, name) for owner, name in _targets()]
    assert daphne_compat.install() == []
    assert [_own(owner, name) for owner, name in _targets()] == before
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    for name in ALL:
        assert name in warnings[0].getMessage()
    assert "Twisted not installed (written for 26.10.0)" in warnings[0].getMessage()


# What each patch does, against the unpatched path.


class _Recorded(StringTransport):
    """A transport that keeps each write as written (to compare identities)."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.frames.append(data)
        super().write(data)


def _open_socket() -> Any:
    """A daphne WebSocketProtocol from daphne's factory, configured as daphne's server does
    (`--websocket-max-message-size 65536`), connected to a recording transport, after the
    handshake (which only sets the state and daphne's client address)."""
    factory = WebSocketFactory(None, server="Daphne")
    factory.setProtocolOptions(
        allowNullOrigin=True,
        openHandshakeTimeout=0,  # no timer on a reactor these tests never run
        maxMessagePayloadSize=65536,
        maxFramePayloadSize=65536,
    )
    sock = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 50000))
    sock.makeConnection(_Recorded())
    sock.client_addr = ("127.0.0.1", 50000)
    sock.state = sock.STATE_OPEN
    return sock


def test_rfc_close_codes_go_out_as_close_frames(installed: dict[str, Any]) -> None:
    refused = _open_socket()
    with pytest.raises(Exception, match="invalid close code 1009"):  # autobahn's own path
        installed["close codes"](refused, 1009)
    for code in sorted(daphne_compat.RFC_CLOSE_CODES):
        sock = _open_socket()
        sock.serverClose(code)
        assert sock.transport.value() == b"\x88\x02" + code.to_bytes(2, "big"), code
    application_code = _open_socket()
    application_code.serverClose(4401)  # still autobahn's path
    assert application_code.transport.value() == b"\x88\x02" + (4401).to_bytes(2, "big")


# Sizes around each header length and the 64 KiB limit (65,535 goes autobahn's way: with its
# header the frame is over the limit the shortcut checks).
TEXTS = ["a", "x" * 125, "x" * 126, "é" * 63, "x" * 65531, "x" * 65535, "😀" * 16000, "{}"]


def test_text_frames_are_the_bytes_autobahn_sends(installed: dict[str, Any]) -> None:
    for text in TEXTS:
        ours, theirs = _open_socket(), _open_socket()
        ours.serverSend(text, False)
        installed["frame once"](theirs, text, False)
        assert ours.transport.frames == theirs.transport.frames, len(text)
        assert len(ours.transport.frames) == 1


def test_a_push_to_many_members_is_framed_once(installed: dict[str, Any]) -> None:
    text = '{"type":"message.new","topic":"room:1","data":{}}'
    members = [_open_socket() for _ in range(3)]
    for member in members:
        member.serverSend(text, False)
    first, second, third = (member.transport.frames[0] for member in members)
    assert first is second is third
    unpatched = [_open_socket() for _ in range(2)]  # the control: a new frame per member
    for member in unpatched:
        installed["frame once"](member, text, False)
    assert unpatched[0].transport.frames[0] is not unpatched[1].transport.frames[0]


@pytest.mark.parametrize(
    ("change", "content", "binary"),
    [
        ({}, b"bytes", True),
        ({"_perMessageCompress": object()}, "text", False),
        ({"send_queue": deque([(b"queued", False)])}, "text", False),
        ({"autoFragmentSize": 4}, "longer than four", False),
        ({"maxMessagePayloadSize": 4}, "longer than four", False),
        ({}, "x" * 65533, False),  # with its header, over daphne's 64 KiB limit
        ({"logFrames": True}, "text", False),
        ({"state": AutobahnProtocol.STATE_CLOSING}, "text", False),
    ],
    ids=[
        "binary",
        "compressed",
        "queued",
        "fragmented",
        "too-big",
        "over-64k",
        "logged",
        "closing",
    ],
)
def test_anything_but_a_plain_text_frame_takes_autobahns_path(
    installed: dict[str, Any], change: dict[str, Any], content: Any, binary: bool
) -> None:
    sock = _open_socket()
    for name, value in change.items():
        setattr(sock, name, value)
    taken: list[Any] = []
    sock.sendMessage = lambda payload, binary: taken.append((payload, binary))
    sock.serverSend(content, binary)
    assert sock.transport.frames == []
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
def tcp_pair() -> Iterator[Any]:
    """Makes a Twisted TCP transport on one end of a real socket pair, with its reactor, and
    the other end (non-blocking). Uses whichever `write` tcp.Connection has when called."""
    ends: list[socket.socket] = []

    def make() -> tuple[Any, socket.socket, _Reactor]:
        ours, peer = socket.socketpair()
        ends.extend((ours, peer))
        for end in (ours, peer):
            end.setblocking(False)
        reactor = _Reactor()
        # zope interfaces, which mypy does not see implemented: typed loosely.
        transport = tcp.Connection(ours, cast(Any, protocol.Protocol()), reactor=cast(Any, reactor))
        transport.connected = True
        return transport, peer, reactor

    yield make
    for end in ends:
        end.close()


def _read_all(peer: socket.socket) -> bytes:
    received = b""
    while True:
        try:
            chunk = peer.recv(1 << 20)
        except BlockingIOError:
            return received
        if not chunk:
            return received
        received += chunk


def test_install_makes_twisted_write_at_once(pristine: dict[str, Any], tcp_pair: Any) -> None:
    transport, peer, reactor = tcp_pair()
    transport.write(b"hello")  # Twisted's own path: buffered until the reactor's turn
    assert _read_all(peer) == b""
    assert reactor.writers == {transport}
    transport.doWrite()
    assert _read_all(peer) == b"hello"

    daphne_compat.install()
    transport, peer, reactor = tcp_pair()
    transport.write(b"hello")
    assert _read_all(peer) == b"hello"  # no reactor turn happened
    assert reactor.writers == set()


def test_a_write_queues_behind_what_the_socket_did_not_take(
    installed: dict[str, Any], tcp_pair: Any
) -> None:
    transport, peer, reactor = tcp_pair()
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


def test_a_tls_connection_writes_through_its_tls_layer(
    installed: dict[str, Any], tcp_pair: Any
) -> None:
    plain, plain_peer, _reactor = tcp_pair()
    plain.write(b"secret")
    assert _read_all(plain_peer) == b"secret"  # the control: the shortcut is taken
    transport, peer, _reactor = tcp_pair()
    encrypted: list[bytes] = []
    # What twisted.internet._newtls.startTLS leaves: the flag, and a TLS protocol in front.
    transport.TLS = True
    transport.protocol = types.SimpleNamespace(write=encrypted.append)
    transport.write(b"secret")
    assert encrypted == [b"secret"]
    assert _read_all(peer) == b""  # never in clear on the socket


def test_a_failing_send_is_left_to_twisted(installed: dict[str, Any], tcp_pair: Any) -> None:
    transport, _peer, reactor = tcp_pair()
    transport.socket.shutdown(socket.SHUT_WR)  # send() now fails with EPIPE
    transport.write(b"lost")  # no exception here: Twisted's path gets the data
    assert reactor.writers == {transport}
    assert isinstance(transport.doWrite(), ConnectionLost)  # and reports it as it always did
