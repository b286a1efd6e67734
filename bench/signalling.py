"""Signalling relay: Backstage's `room:` relay against a bare `websockets` relay, same run.

    .venv/bin/python bench/signalling.py [--server daphne|uvicorn] [--peers 50] [--per-room 5]
        [--rate 10] [--duration 10] [--chat-rate 0] [--pairs 5] [--skip-baseline]

50 peers in rooms of 5 (a host and four students: the mesh holds 6) join through a live
server (daphne, the Procfile default, or uvicorn), then each sends `--rate` signal frames a
second to the others of its room, round robin: offers and answers (~2.5 KB SDP, receive-only
so the audience may send them) and candidates (~150 B), as a mesh negotiates. Each frame
carries its send time; the receiver, in this same process (one clock), records the relay
latency. The peers use bench/wsclient.py, a minimal client: the `websockets` client's own cost
per frame had been most of the bare relay's figure. Then a bare relay (a `websockets` server
in its own process, the same frames, a dict of peer id → socket, no checks) runs the same
load. The ratio ours/bare is printed. `--chat-rate N` adds N chat messages a second in the
rooms' chats on the same server process (the "under chat load" figure). Finally `--pairs`
aiortc pairs connect through the server: time from `join` to `connected` on the joining side.

Uses PostgreSQL when DATABASE_URL points at one (a scratch database `<name>_bench_signalling`
is created beside it and dropped afterwards), otherwise a temporary SQLite file; Redis when
REDIS_URL is set (channel layer and the peer cache), otherwise the embedded in-memory ones.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chat_servers import server_command  # noqa: E402
from bench.scratch_db import scratch_database  # noqa: E402

SDP_LINES = 60  # ~2.5 KB: an audio+video+data offer of one browser


def configure() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--peers", type=int, default=50)
    parser.add_argument("--per-room", type=int, default=5)
    parser.add_argument("--rate", type=float, default=10.0, help="signals a second per peer")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--chat-rate", type=float, default=0.0, help="chat messages a second")
    parser.add_argument("--pairs", type=int, default=5, help="aiortc pairs to time")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--server", choices=["daphne", "uvicorn"], default="daphne", help="serves Backstage"
    )
    parser.add_argument("--serve-bare", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError("server did not listen within 30 s")


# --- the bare relay ----------------------------------------------------------------------------


async def serve_bare(port: int) -> None:
    """The baseline: join gives a peer id, signal is forwarded by id and answered. No auth,
    no schema, no limits, no database: the floor of what a relay over websockets costs."""
    from websockets.asyncio.server import ServerConnection, serve

    sockets: dict[str, ServerConnection] = {}

    async def handle(ws: ServerConnection) -> None:
        peer_id = uuid.uuid4().hex[:12]
        try:
            async for text in ws:
                frame = json.loads(text)
                data = frame.get("data", {})
                reply: dict[str, Any] = {"type": "reply", "ref": frame["ref"], "ok": True}
                if frame["type"] == "join":
                    sockets[peer_id] = ws
                    reply["data"] = {"peer_id": peer_id}
                else:
                    target = sockets.get(data.get("to", ""))
                    if target is None:
                        reply = {"type": "reply", "ref": frame["ref"], "ok": False}
                    else:
                        rest = {k: v for k, v in data.items() if k != "to"}
                        push = {
                            "type": "signal",
                            "topic": frame["topic"],
                            "data": {"from": peer_id, **rest},
                        }
                        await target.send(json.dumps(push))
                        reply["data"] = {}
                await ws.send(json.dumps(reply))
        finally:
            sockets.pop(peer_id, None)

    async with serve(handle, "127.0.0.1", port, max_size=2**20):
        await asyncio.Future()


# --- clients -----------------------------------------------------------------------------------


def _sdp_body() -> str:
    lines = []
    for index in range(SDP_LINES):
        kind = ("audio", "video", "application")[index % 3]
        lines.append(f"a=rtpmap:{96 + index % 30} {kind}-codec/90000 x-{index:04d}-padding")
    lines += [
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "a=recvonly",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "a=recvonly",
    ]
    return "\r\n".join(lines) + "\r\n"


SDP_BODY = _sdp_body()
# The send time travels in the SDP (an `a=x-sent:` line) or the candidate's usernameFragment;
# the reader finds it in the raw text, so the clients spend little CPU per frame.
STAMP = re.compile(rb'a=x-sent:(\d+)|"usernameFragment": ?"(\d+)"')


def fake_sdp(stamp: int) -> str:
    return (
        f"v=0\r\no=- {stamp} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=x-sent:{stamp}\r\n" + SDP_BODY
    )


@dataclass
class Peer:
    topic: str
    ws: Any = None  # a bench.wsclient.Client, once connected
    peer_id: str = ""
    room_peers: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    received: int = 0
    replies: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    refs: "itertools.count[int]" = field(default_factory=itertools.count)
    join_reply: asyncio.Future[dict[str, Any]] | None = None

    async def send(self, frame_type: str, data: dict[str, Any]) -> str:
        ref = f"r{next(self.refs)}"
        self.ws.send_text(
            json.dumps({"type": frame_type, "topic": self.topic, "ref": ref, "data": data})
        )
        return ref

    def on_text(self, text: bytes) -> None:
        """Each text frame, from the client's transport callback (bench/wsclient.py answers
        pings itself)."""
        now = time.perf_counter_ns()
        if text.startswith((b'{"type":"signal"', b'{"type": "signal"')):
            self.received += 1
            found = STAMP.search(text)
            if found:
                self.latencies.append((now - int(found[1] or found[2])) / 1e6)
            return
        message = json.loads(text)
        if message["type"] != "reply":
            return
        if message["ref"] == "r0" and self.join_reply and not self.join_reply.done():
            self.join_reply.set_result(message)
            return
        self.replies += 1
        if not message["ok"]:
            code = (message.get("error") or {}).get("code", "error")
            self.errors[code] = self.errors.get(code, 0) + 1


async def signal_loop(peer: Peer, rate: float, duration: float) -> int:
    targets = itertools.cycle(peer.room_peers)
    kinds = itertools.cycle(["offer", "candidate", "candidate", "answer", "candidate"])
    interval = 1.0 / rate
    # Spread the peers over one interval, as independent clients would be. The schedule starts
    # after the offset: from a start shared by all, every peer's later frames fell on the same
    # instants, and the relays measured bursts of 50 frames (bare: 3.0 ms p50 instead of 0.4).
    await asyncio.sleep(interval * (hash(peer.peer_id) % 1000) / 1000)
    start = time.perf_counter()
    sent = 0
    while time.perf_counter() - start < duration:
        stamp = time.perf_counter_ns()
        kind = next(kinds)
        data: dict[str, Any] = {"to": next(targets), "kind": kind}
        if kind == "candidate":
            data["candidate"] = {
                "candidate": f"candidate:842163049 1 udp 1677729535 127.0.0.1 {50000 + sent % 999}"
                " typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999",
                "sdpMid": "0",
                "sdpMLineIndex": 0,
                "usernameFragment": str(stamp),
            }
        else:
            data["sdp"] = fake_sdp(stamp)
        await peer.send("signal", data)
        sent += 1
        next_at = start + sent * interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    return sent


async def chat_loop(peers: list[Peer], rate: float, duration: float) -> int:
    if rate <= 0:
        return 0
    interval, start, sent = 1.0 / rate, time.perf_counter(), 0
    for peer in itertools.cycle(peers):
        if time.perf_counter() - start >= duration:
            break
        await peer.send(
            "message.send", {"body": f"chat load {sent}", "client_id": uuid.uuid4().hex}
        )
        sent += 1
        await asyncio.sleep(max(0.0, start + sent * interval - time.perf_counter()))
    return sent


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_load(
    urls: list[str], topics: list[str], args: argparse.Namespace, *, bare: bool
) -> dict[str, Any]:
    from bench.wsclient import connect

    peers: list[Peer] = []
    for url, topic in zip(urls, topics, strict=True):
        peer = Peer(topic=topic)
        peer.join_reply = asyncio.get_running_loop().create_future()
        peer.ws = await connect(url, peer.on_text)  # the `joined` push of the user topic is ignored
        peers.append(peer)
    for peer in peers:
        await peer.send("join", {})
        assert peer.join_reply is not None
        reply = await asyncio.wait_for(peer.join_reply, 15)
        assert reply["ok"], reply
        peer.peer_id = reply["data"]["peer_id"]
    by_topic: dict[str, list[Peer]] = {}
    for peer in peers:
        by_topic.setdefault(peer.topic, []).append(peer)
    for group in by_topic.values():
        for peer in group:
            peer.room_peers = [other.peer_id for other in group if other is not peer]
    start = time.perf_counter()
    sent_counts = await asyncio.gather(
        *(signal_loop(peer, args.rate, args.duration) for peer in peers),
        chat_loop(peers, 0 if bare else args.chat_rate, args.duration),
    )
    elapsed = time.perf_counter() - start
    expected = sum(sent_counts[:-1])
    deadline = time.perf_counter() + 10
    # Polling a counter, not an event: the readers stay free of benchmark bookkeeping.
    while sum(p.received for p in peers) < expected and time.perf_counter() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    for peer in peers:
        peer.ws.close()
    latencies = [value for peer in peers for value in peer.latencies]
    errors: dict[str, int] = {}
    for peer in peers:
        for code, count in peer.errors.items():
            errors[code] = errors.get(code, 0) + count
    return {
        "sent": expected,
        "received": sum(p.received for p in peers),
        "chat": sent_counts[-1],
        "errors": errors,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies) if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "rate": sum(p.received for p in peers) / elapsed,
    }


def describe(name: str, result: dict[str, Any]) -> str:
    chat = f", chat {result['chat']} msgs" if result.get("chat") else ""
    return (
        f"{name:>10}: {result['received']}/{result['sent']} relayed, "
        f"{result['rate']:.0f} frames/s, p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, "
        f"max {result['max']:.1f} ms, errors {result['errors'] or 'none'}{chat}"
    )


# --- setup -------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> tuple[list[tuple[int, str]], list[tuple[Any, Any, Any]]]:
    """Users and rooms in the scratch database: ([(user id, topic)] per peer, aiortc pairs)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from rooms.services import room_create

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:6]
    peers: list[tuple[int, str]] = []
    rooms = (args.peers + args.per_room - 1) // args.per_room
    for number in range(rooms):
        host = User.objects.create(
            username=f"sig-{run}-host{number}",
            role="professional",
            verified=True,
            display_name=f"Host {number}",
        )
        room = room_create(host=host, title=f"Bench room {number}")
        peers.append((host.pk, room.topic))
        for seat in range(args.per_room - 1):
            if len(peers) >= args.peers:
                break
            student = User.objects.create(
                username=f"sig-{run}-s{number}-{seat}",
                role="student",
                display_name=f"Student {seat}",
            )
            peers.append((student.pk, room.topic))
    pairs = []
    for number in range(args.pairs):
        host = User.objects.create(
            username=f"sig-{run}-ph{number}",
            role="professional",
            verified=True,
            display_name="Pair host",
        )
        student = User.objects.create(
            username=f"sig-{run}-ps{number}", role="student", display_name="Pair student"
        )
        pairs.append((host, room_create(host=host, title="Pair"), student))
    return peers[: args.peers], pairs


def tickets(user_ids: list[int]) -> list[str]:
    from accounts.models import User
    from realtime.tickets import ticket_issue

    return [ticket_issue(user=User.objects.get(pk=uid)).ticket for uid in user_ids]


async def time_pairs(ws_url: str, pairs: list[Any]) -> list[float]:
    """Join → connected for aiortc pairs through the server (the joining side's view)."""
    from asgiref.sync import sync_to_async

    from tests.rooms.peers import TestPeer, loopback_only

    loopback_only()
    logging.getLogger("aioice").setLevel(logging.WARNING)
    timings = []
    for host_user, room, student in pairs:
        host_ticket, student_ticket = await sync_to_async(tickets)([host_user.pk, student.pk])
        host = await TestPeer.open(ws_url, host_ticket, room.topic, user_id=host_user.pk)
        guest = await TestPeer.open(ws_url, student_ticket, room.topic, user_id=student.pk)
        try:
            await host.join()
            await guest.join()
            [link] = await guest.connect_all()
            await asyncio.wait_for(link.connected.wait(), 10)
            assert link.connected_at is not None
            timings.append((link.connected_at - guest.joined_at) * 1000)
        finally:
            await guest.close()
            await host.close()
    return timings


def main() -> None:
    args = configure()
    if args.serve_bare:
        asyncio.run(serve_bare(args.serve_bare))
        return
    scratch = scratch_database("bench_signalling")
    scratch.recreate()
    logs = Path(tempfile.mkdtemp(prefix="bench-signalling-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        peers, pairs = prepare(args)
        port = free_port()
        log = logs / f"bench-signalling-{args.server}-{port}.log"
        env = {
            **os.environ,
            "DEBUG": "true",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "CHANNEL_LAYER_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
            "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
            # The benchmark measures the relay, not the limits that protect it.
            "WS_RATE_LIMIT_PER_SECOND": "10000",
            "WS_RATE_LIMIT_BURST": "10000",
            "ROOMS_SIGNAL_RATE_PER_SECOND": "10000",
            "ROOMS_SIGNAL_BURST": "10000",
            "CHAT_MESSAGES_PER_MINUTE": "1000000",
        }
        command = server_command(args.server, "config.asgi:application", port)
        if os.environ.get("BENCH_PROFILE"):  # profile the server for a look inside
            command[1:1] = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]]
        with log.open("wb") as out:
            server = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        processes.append(server)
        wait_listening(port, server, log)
        ws_url = f"ws://127.0.0.1:{port}/ws/"
        layer = "redis" if os.environ.get("REDIS_URL") else "in-memory"
        database = "postgresql" if scratch.is_postgres else "sqlite"
        with open("/proc/loadavg") as loadavg:
            print(f"load average before: {loadavg.read().strip()}")
        print(
            f"{len(peers)} peers in rooms of {args.per_room}, {args.rate:g} signals/s each, "
            f"{args.duration:g} s; {args.server}, database {database}, layer and cache {layer}; "
            f"chat load {args.chat_rate:g} msg/s"
        )
        urls = [f"{ws_url}?ticket={ticket}" for ticket in tickets([uid for uid, _ in peers])]
        ours = asyncio.run(run_load(urls, [topic for _, topic in peers], args, bare=False))
        print(describe("backstage", ours))
        if not args.skip_baseline:
            bare_port = free_port()
            bare_log = logs / f"bench-signalling-bare-{bare_port}.log"
            with bare_log.open("wb") as out:
                bare = subprocess.Popen(
                    [sys.executable, __file__, "--serve-bare", str(bare_port)],
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            processes.append(bare)
            wait_listening(bare_port, bare, bare_log)
            bare_urls = [f"ws://127.0.0.1:{bare_port}/"] * len(peers)
            base = asyncio.run(run_load(bare_urls, [t for _, t in peers], args, bare=True))
            print(describe("bare", base))
            print(
                f"     ratio: p50 {ours['p50'] / base['p50']:.1f}x, "
                f"p99 {ours['p99'] / base['p99']:.1f}x, "
                f"throughput {ours['rate'] / base['rate']:.2f}x"
            )
        if args.pairs:
            timings = asyncio.run(time_pairs(ws_url, pairs))
            print(
                f"aiortc join → connected ({len(timings)} pairs): "
                f"median {statistics.median(timings):.0f} ms, "
                f"max {max(timings):.0f} ms, all {[round(t) for t in timings]}"
            )
        with open("/proc/loadavg") as loadavg:
            print(f"load average after: {loadavg.read().strip()}")
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)  # lets a profiled server write its profile
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            if process.poll() is None:
                process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            if process.poll() is None:
                process.kill()
        from django.db import connections

        connections.close_all()
        scratch.recreate(drop_only=True)


if __name__ == "__main__":
    main()
