"""A reusable aiortc test peer: signalling over a `websockets` client to the live gateway.

Roles are fixed instead of perfect negotiation: a peer offers to the peers it finds present
when it calls `connect_all()` (the newcomer offers, those present answer), so offers never
cross. aiortc gathers its candidates before `setLocalDescription` returns, so they travel
inside the SDP; remote `candidate` signals are added when they come.
"""

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aioice.ice
from aiortc import (
    MediaStreamTrack,
    RTCDataChannel,
    RTCPeerConnection,
    RTCSessionDescription,
    VideoStreamTrack,
)
from aiortc.sdp import candidate_from_sdp
from websockets.asyncio.client import ClientConnection, connect


def loopback_only() -> None:
    """aioice skips loopback addresses when gathering; a loopback-only machine needs them."""
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


@dataclass
class Link:
    """One RTCPeerConnection to a remote peer."""

    pc: RTCPeerConnection
    channel: RTCDataChannel | None = None
    messages: list[str] = field(default_factory=list)
    frames: int = 0
    video: asyncio.Event = field(default_factory=asyncio.Event)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    connected_at: float | None = None


class TestPeer:
    """A user in a room: its gateway socket, its role, and one Link per remote peer."""

    __test__ = False  # not a pytest class

    def __init__(self, ws: ClientConnection, topic: str, name: str = "") -> None:
        self.ws = ws
        self.topic = topic
        self.name = name
        self.peer_id = ""
        self.user_id = 0
        self.publish = False
        self.present: dict[str, dict[str, Any]] = {}  # peer id -> peer payload
        self.links: dict[str, Link] = {}
        self.left: list[str] = []
        self.pushes: list[dict[str, Any]] = []
        self.joined_at = 0.0
        self.answer_replies: list[asyncio.Future[Any]] = []
        self.failures: list[Exception] = []
        self.negotiate = True  # False: record signals without acting on them
        self._tasks: list[asyncio.Future[None]] = []
        self._refs = 0
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()

    @classmethod
    async def open(
        cls, ws_url: str, ticket: str, topic: str, *, user_id: int, name: str = ""
    ) -> "TestPeer":
        ws = await connect(f"{ws_url}?ticket={ticket}", max_size=2**20)
        peer = cls(ws, topic, name)
        peer.user_id = user_id
        first = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert first["type"] == "joined", first
        peer._reader = asyncio.create_task(peer._read())
        return peer

    # --- the gateway ---------------------------------------------------------------------

    async def send_frame(self, frame_type: str, data: Any = None) -> asyncio.Future[Any]:
        """Send a frame; the returned future gets its reply (read by the reader task)."""
        self._refs += 1
        ref = f"{self.name}{self._refs}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[ref] = future
        frame = {"type": frame_type, "topic": self.topic, "ref": ref, "data": data or {}}
        await self.ws.send(json.dumps(frame))
        return future

    async def request(self, frame_type: str, data: Any = None, timeout: float = 10) -> Any:
        return await asyncio.wait_for(await self.send_frame(frame_type, data), timeout)

    async def join(self) -> dict[str, Any]:
        self.joined_at = time.perf_counter()
        reply = await self.request("join")
        assert reply["ok"], reply
        data: dict[str, Any] = reply["data"]
        self.peer_id, self.publish = data["peer_id"], data["publish"]
        self.present = {p["peer_id"]: p for p in data["peers"]}
        return data

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for text in self.ws:
                message = json.loads(text)
                kind = message["type"]
                if kind == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                elif kind == "reply":
                    future = self._replies.pop(message["ref"], None)
                    if future is not None and not future.done():
                        future.set_result(message)
                else:
                    self.pushes.append(message)
                    try:
                        await self._on_push(message)
                    except Exception as exc:  # keep reading: the test looks at `failures`
                        self.failures.append(exc)
                async with self._changed:
                    self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _on_push(self, message: dict[str, Any]) -> None:
        data = message["data"]
        if message["type"] == "signal" and self.negotiate:
            await self._on_signal(data)
        elif message["type"] == "presence":
            for peer in data["joins"]:
                if peer["peer_id"] != self.peer_id:
                    self.present[peer["peer_id"]] = peer
            for peer in data["leaves"]:
                self.present.pop(peer["peer_id"], None)
                self.left.append(peer["peer_id"])
                link = self.links.pop(peer["peer_id"], None)
                if link is not None:  # the remote is gone: clean up its connection
                    await link.pc.close()
        elif message["type"] == "role" and data["user"]["id"] == self.user_id:
            self.publish = data["publish"]

    # --- WebRTC --------------------------------------------------------------------------

    def _link(self, remote: str) -> Link:
        if remote in self.links:
            return self.links[remote]
        link = Link(pc=RTCPeerConnection())
        self.links[remote] = link

        @link.pc.on("connectionstatechange")
        def _state() -> None:
            if link.pc.connectionState == "connected" and not link.connected.is_set():
                link.connected_at = time.perf_counter()
                link.connected.set()

        @link.pc.on("datachannel")
        def _channel(channel: RTCDataChannel) -> None:
            self._attach(link, channel)
            link.opened.set()

        @link.pc.on("track")
        def _track(track: MediaStreamTrack) -> None:
            if track.kind == "video":
                self._tasks.append(asyncio.ensure_future(self._count_frames(link, track)))

        return link

    def _attach(self, link: Link, channel: RTCDataChannel) -> None:
        link.channel = channel
        channel.on("message", lambda message: link.messages.append(str(message)))
        channel.on("open", link.opened.set)

    async def _count_frames(self, link: Link, track: MediaStreamTrack) -> None:
        with contextlib.suppress(Exception):
            while True:
                await track.recv()
                link.frames += 1
                if link.frames >= 3:
                    link.video.set()

    def _add_media(self, link: Link) -> None:
        if self.publish:
            link.pc.addTrack(VideoStreamTrack())
        else:
            link.pc.addTransceiver("video", direction="recvonly")

    async def offer_to(self, remote: str) -> Link:
        link = self._link(remote)
        self._attach(link, link.pc.createDataChannel("chat"))
        self._add_media(link)
        await link.pc.setLocalDescription(await link.pc.createOffer())
        reply = await self.send_signal(remote, "offer", sdp=link.pc.localDescription.sdp)
        assert reply["ok"], reply
        return link

    async def connect_all(self) -> list[Link]:
        """Offer to every present peer the media mode pairs us with (one side publishes)."""
        targets = [
            peer_id
            for peer_id, peer in self.present.items()
            if (self.publish or peer["publish"]) and peer_id not in self.links
        ]
        return list(await asyncio.gather(*(self.offer_to(peer_id) for peer_id in targets)))

    async def send_signal(self, to: str, kind: str, **extra: Any) -> Any:
        return await self.request("signal", {"to": to, "kind": kind, **extra})

    async def _on_signal(self, data: dict[str, Any]) -> None:
        remote, kind = data["from"], data["kind"]
        if kind == "offer":
            link = self._link(remote)
            await link.pc.setRemoteDescription(RTCSessionDescription(data["sdp"], "offer"))
            if self.publish:
                for transceiver in link.pc.getTransceivers():
                    if transceiver.kind == "video" and transceiver.direction == "recvonly":
                        transceiver.sender.replaceTrack(VideoStreamTrack())
                        transceiver.direction = "sendrecv"
            await link.pc.setLocalDescription(await link.pc.createAnswer())
            # Not awaited: the reply comes through this very reader task.
            answer = {"to": remote, "kind": "answer", "sdp": link.pc.localDescription.sdp}
            self.answer_replies.append(await self.send_frame("signal", answer))
        elif kind == "answer" and remote in self.links:
            await self.links[remote].pc.setRemoteDescription(
                RTCSessionDescription(data["sdp"], "answer")
            )
        elif kind == "candidate" and remote in self.links and data.get("candidate"):
            init = data["candidate"]
            candidate = candidate_from_sdp(init["candidate"].removeprefix("candidate:"))
            candidate.sdpMid, candidate.sdpMLineIndex = (
                init.get("sdpMid"),
                init.get("sdpMLineIndex"),
            )
            await self.links[remote].pc.addIceCandidate(candidate)
        elif kind == "bye" and remote in self.links:
            await self.links.pop(remote).pc.close()

    async def close(self) -> None:
        for link in list(self.links.values()):
            await link.pc.close()
        self.links.clear()
        for task in self._tasks:
            task.cancel()
        await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await self._reader


async def wait_all(events: list[Awaitable[Any]], timeout: float = 10) -> None:
    await asyncio.wait_for(asyncio.gather(*events), timeout)
