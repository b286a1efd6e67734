"""A minimal WebSocket client for load generation: text frames only, no extensions.

The `websockets` client costs tens of microseconds per received frame; at tens of thousands
of deliveries a second on a 2-CPU machine that made the load generator, not the server, the
limit being measured. This one parses frames straight from the transport's buffer and hands
each text payload (bytes) to a callback; it answers WebSocket pings and the gateway's
`{"type": "ping"}` frames so idle-timeouts never fire during a run.
"""

import asyncio
import base64
import os
import struct
from collections.abc import Callable
from urllib.parse import urlparse

OnText = Callable[[bytes], None]
_GATEWAY_PING = b'{"type":"ping"'


def _frame(opcode: int, payload: bytes) -> bytes:
    # Clients must mask; a zero key is a valid mask and skips the XOR over the payload.
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    return header + b"\x00\x00\x00\x00" + payload


class Client(asyncio.Protocol):
    def __init__(self, on_text: OnText | None) -> None:
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.handshake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.upgraded = False
        self.inbox: asyncio.Queue[bytes] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.handshake.done():
            self.handshake.set_exception(exc or ConnectionError("closed during handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[: buffer.find(b"\r\n")])
            del buffer[: end + 4]
            if b" 101 " not in status:
                self.handshake.set_exception(ConnectionError(status.decode(errors="replace")))
                return
            self.upgraded = True
            self.handshake.set_result(None)
        offset, size = 0, len(buffer)
        while size - offset >= 2:
            first, second = buffer[offset], buffer[offset + 1]
            length, start = second & 0x7F, offset + 2
            if length == 126:
                if size - offset < 4:
                    break
                length, start = int.from_bytes(buffer[offset + 2 : offset + 4], "big"), offset + 4
            elif length == 127:
                if size - offset < 10:
                    break
                length, start = int.from_bytes(buffer[offset + 2 : offset + 10], "big"), offset + 10
            if size < start + length:
                break
            payload = bytes(buffer[start : start + length])
            offset = start + length
            opcode = first & 0x0F
            if opcode == 0x1:
                self._text(payload)
            elif opcode == 0x9 and self.transport is not None:
                self.transport.write(_frame(0xA, payload))
            elif opcode == 0x8 and self.transport is not None:
                self.transport.close()
        del buffer[:offset]

    def _text(self, payload: bytes) -> None:
        if payload.startswith(_GATEWAY_PING):
            self.send_text('{"type":"pong"}')
            return
        if self.inbox is not None:
            self.inbox.put_nowait(payload)
        elif self.on_text is not None:
            self.on_text(payload)

    def send_text(self, text: str) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(0x1, text.encode()))

    async def request(self, text: str, marker: bytes) -> bytes:
        """Send `text` and return the first text frame containing `marker` (others dropped)."""
        self.inbox = asyncio.Queue()
        try:
            self.send_text(text)
            while True:
                payload = await self.inbox.get()
                if marker in payload:
                    return payload
        finally:
            self.inbox = None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def connect(url: str, on_text: OnText | None = None) -> Client:
    parsed = urlparse(url)
    if parsed.hostname is None or parsed.port is None:
        raise ValueError(f"a ws:// URL with host and port, not {url!r}")
    loop = asyncio.get_running_loop()
    _transport, client = await loop.create_connection(
        lambda: Client(on_text), parsed.hostname, parsed.port
    )
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    key = base64.b64encode(os.urandom(16)).decode()
    host = f"{parsed.hostname}:{parsed.port}"
    assert client.transport is not None
    client.transport.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n\r\n"
        ).encode()
    )
    await client.handshake
    return client


async def connect_many(
    urls: list[str], on_text: OnText | None = None, batch: int = 50
) -> list[Client]:
    clients: list[Client] = []
    for start in range(0, len(urls), batch):
        clients += await asyncio.gather(
            *(connect(url, on_text) for url in urls[start : start + batch])
        )
    return clients
