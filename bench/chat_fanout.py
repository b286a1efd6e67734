"""Chat fan-out benchmark: our gateway + chat against a bare `websockets` broadcast server.

    .venv/bin/python bench/chat_fanout.py [--clients 500] [--rate 10] [--duration 10]
                                          [--processes 1] [--idle 2000] [--skip-baseline]

Starts everything itself: a private redis-server (no persistence) on a free port, a scratch
database (a temporary SQLite file, or PostgreSQL when DATABASE_URL points at a server: a
database `<name>_bench_chat` is created there and dropped afterwards), then daphne processes
serving Backstage with the production channel layer (RedisPubSubChannelLayer). It measures:

1. fan-out: N clients joined to one `dm:` topic, one member sending `message.send` at a steady
   rate; delivered/expected and p50/p99 latency from send to receipt on every client;
2. the highest rate (doubling each step) whose p99 stays under 50 ms with nothing lost,
   as deliveries/s;
3. persisted chat: 20 senders on their own topics sending back to back; messages/s committed
   and acknowledged, and the acknowledgement p99;
4. RSS per idle connection: daphne's RSS before and after opening `--idle` idle sockets;
5. the same fan-out (1, 2) through a bare `websockets` broadcast server (the near-limit for
   Python), with our figures beside it and the ratio.

The per-user chat rate limit and the per-connection frame limit are lifted for the run (a
settings module in the scratch directory). The clients run in this process: on a small
machine they share its CPUs with the server, which the figures include.
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

P99_TARGET_MS = 50.0

SETTINGS_MODULE = """
from config.settings import *  # noqa: F403

CHAT_MESSAGES_PER_MINUTE = 10**9
"""

BARE_SERVER = """
import asyncio, sys
from websockets.asyncio.server import broadcast, serve

clients = set()

async def handler(ws):
    clients.add(ws)
    try:
        async for message in ws:
            broadcast(clients, message)
    finally:
        clients.discard(ws)

async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None):
        await asyncio.Future()

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited early (code {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class FanoutResult:
    rate: float
    clients: int
    expected: int
    delivered: int
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.delivered == self.expected and pct(self.latencies_ms, 0.99) <= P99_TARGET_MS

    def line(self, name: str) -> str:
        return (
            f"{name:<22} rate {self.rate:>6.0f}/s  delivered {self.delivered}/{self.expected} "
            f"({100 * self.delivered / max(1, self.expected):.2f}%)  "
            f"p50 {pct(self.latencies_ms, 0.5):6.1f} ms  p99 {pct(self.latencies_ms, 0.99):6.1f} ms"
        )


class Stack:
    """Redis + database + daphne processes, and Django in this process for setup."""

    def __init__(self, tmp: Path, processes: int) -> None:
        self.tmp = tmp
        self.processes_wanted = processes
        self.redis_port = free_port()
        self.children: list[subprocess.Popen[bytes]] = []
        self.daphnes: list[tuple[int, subprocess.Popen[bytes]]] = []
        self.pg_admin_url: str | None = None
        self.pg_name = ""

    def start(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
        )
        self.children.append(self.redis)
        wait_port(self.redis_port, self.redis)
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith("postgres"):
            import psycopg

            parsed = urlparse(database_url)
            self.pg_name = f"{parsed.path.lstrip('/') or 'postgres'}_bench_chat"
            self.pg_admin_url = database_url
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
            database_url = urlunparse(parsed._replace(path=f"/{self.pg_name}"))
        else:
            database_url = f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        (self.tmp / "bench_chat_settings.py").write_text(SETTINGS_MODULE)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CHANNEL_LAYER_PREFIX": "bench",
            "WS_RATE_LIMIT_PER_SECOND": "100000",
            "WS_RATE_LIMIT_BURST": "100000",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bench_chat_settings",
            "PYTHONPATH": f"{self.tmp}:{ROOT}",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self.env, check=True
        )
        os.environ.update({k: v for k, v in self.env.items() if k != "PYTHONPATH"})
        sys.path.insert(0, str(self.tmp))
        import django

        django.setup()
        for _ in range(self.processes_wanted):
            self.start_daphne()

    def start_daphne(self) -> int:
        port = free_port()
        log = (self.tmp / f"daphne-{port}.log").open("wb")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "config.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.children.append(process)
        wait_port(port, process)
        self.daphnes.append((port, process))
        return port

    def stop(self) -> None:
        for process in reversed(self.children):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.pg_admin_url:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def make_users_and_topic(count: int, prefix: str) -> tuple[list[Any], str]:
    from chat.models import Conversation, Membership
    from profiles.models import User

    users = User.objects.bulk_create(
        [User(username=f"{prefix}{n}", display_name=f"U{n}", role="student") for n in range(count)]
    )
    conversation = Conversation.objects.create(kind="dm")
    conversation.topic = f"dm:{conversation.pk}"
    conversation.save(update_fields=["topic"])
    Membership.objects.bulk_create(
        [Membership(conversation=conversation, user=user) for user in users]
    )
    return users, conversation.topic


def tickets_for(users: list[Any]) -> list[str]:
    from realtime.tickets import ticket_issue

    return [ticket_issue(user=user).ticket for user in users]


async def connect_many(urls: list[str], batch: int = 20) -> list[Any]:
    from websockets.asyncio.client import connect

    sockets: list[Any] = []
    for start in range(0, len(urls), batch):
        chunk = urls[start : start + batch]
        sockets += await asyncio.gather(
            *(connect(url, max_queue=None, ping_interval=None) for url in chunk)
        )
    return sockets


async def gateway_request(ws: Any, frame: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(frame))
    while True:
        message: dict[str, Any] = json.loads(await ws.recv())
        if message.get("type") == "reply" and message.get("ref") == frame["ref"]:
            return message
        if message.get("type") == "ping":
            await ws.send('{"type":"pong"}')


async def run_fanout(
    receivers: list[Any],
    send: Callable[[str], Any],
    extract: Callable[[dict[str, Any]], str | None],
    rate: float,
    duration: float,
) -> FanoutResult:
    """Send `rate` messages a second for `duration` seconds; every receiver records latency."""
    total = max(1, int(rate * duration))
    latencies: list[float] = []
    delivered = 0
    done = asyncio.Event()
    expected = total * len(receivers)

    async def receive(ws: Any) -> None:
        nonlocal delivered
        got = 0
        while got < total:
            message = json.loads(await ws.recv())
            stamp = extract(message)
            if stamp is None:
                continue
            latencies.append((time.perf_counter() - float(stamp)) * 1000)
            got += 1
            delivered += 1
            if delivered == expected:
                done.set()

    tasks = [asyncio.create_task(receive(ws)) for ws in receivers]
    start = time.perf_counter()
    for n in range(total):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        await send(f"{time.perf_counter():.9f}")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return FanoutResult(rate, len(receivers), expected, delivered, latencies)


async def ramp(run: Callable[[float], Any], start_rate: float, limit: float) -> FanoutResult | None:
    """Double the rate until p99 passes the target or a message is lost; the last good one."""
    best = None
    rate = start_rate
    while rate <= limit:
        result = await run(rate)
        print("   ", result.line(f"ramp {rate:.0f}/s"), flush=True)
        if not result.ok:
            break
        best = result
        rate *= 2
    return best


async def bench_backstage(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    from asgiref.sync import sync_to_async

    users, topic = await sync_to_async(make_users_and_topic)(args.clients + 1, "fan")
    ports = [port for port, _ in stack.daphnes]
    tickets = await sync_to_async(tickets_for)(users)
    urls = [
        f"ws://127.0.0.1:{ports[n % len(ports)]}/ws/?ticket={ticket}"
        for n, ticket in enumerate(tickets)
    ]
    sockets = await connect_many(urls)
    sender, receivers = sockets[0], sockets[1:]
    for n, ws in enumerate(sockets):
        await gateway_request(ws, {"type": "join", "topic": topic, "ref": f"j{n}"})
    counter = 0

    async def send(stamp: str) -> None:
        nonlocal counter
        counter += 1
        frame = {
            "type": "message.send",
            "topic": topic,
            "ref": f"m{counter}",
            "data": {"body": stamp, "client_id": f"c{counter}"},
        }
        await sender.send(json.dumps(frame))

    def extract(message: dict[str, Any]) -> str | None:
        if message.get("type") == "message.new":
            body: str = message["data"]["body"]
            return body
        return None

    async def drain_sender() -> None:
        with contextlib.suppress(Exception):
            while True:
                await sender.recv()

    drainer = asyncio.create_task(drain_sender())
    steady = await run_fanout(receivers, send, extract, args.rate, args.duration)
    print("   ", steady.line("backstage steady"), flush=True)
    best = await ramp(
        lambda rate: run_fanout(receivers, send, extract, rate, args.step), args.rate * 2, 2000
    )
    drainer.cancel()
    if best is None and steady.ok:
        best = steady  # the steady rate held the target even if the first step up did not
    for ws in sockets:
        await ws.close()

    # Persisted chat: 20 senders, each on its own two-member topic, back to back.
    pairs = [await sync_to_async(make_users_and_topic)(1, f"p{n}-") for n in range(20)]
    ptickets = [(await sync_to_async(tickets_for)(u))[0] for u, _t in pairs]
    psockets = await connect_many(
        [f"ws://127.0.0.1:{ports[n % len(ports)]}/ws/?ticket={t}" for n, t in enumerate(ptickets)]
    )
    for n, (ws, (_u, ptopic)) in enumerate(zip(psockets, pairs, strict=True)):
        await gateway_request(ws, {"type": "join", "topic": ptopic, "ref": f"pj{n}"})
    acks: list[float] = []

    async def persist(ws: Any, ptopic: str, deadline: float) -> int:
        sent = 0
        while time.perf_counter() < deadline:
            sent += 1
            began = time.perf_counter()
            reply = await gateway_request(
                ws,
                {
                    "type": "message.send",
                    "topic": ptopic,
                    "ref": f"p{sent}",
                    "data": {"body": "x", "client_id": f"p{sent}"},
                },
            )
            assert reply["ok"], reply
            acks.append((time.perf_counter() - began) * 1000)
        return sent

    began = time.perf_counter()
    counts = await asyncio.gather(
        *(
            persist(ws, t, began + args.duration)
            for ws, (_u, t) in zip(psockets, pairs, strict=True)
        )
    )
    elapsed = time.perf_counter() - began
    for ws in psockets:
        await ws.close()
    persisted = sum(counts) / elapsed
    print(
        f"    persisted {persisted:.0f} msg/s  ack p50 {pct(acks, 0.5):.1f} ms  "
        f"p99 {pct(acks, 0.99):.1f} ms",
        flush=True,
    )

    # RSS per idle connection, on the first process.
    idle_per_conn = None
    if args.idle:
        port, process = stack.daphnes[0]
        idle_users, _topic = await sync_to_async(make_users_and_topic)(args.idle, "idle")
        itickets = await sync_to_async(tickets_for)(idle_users)
        await asyncio.sleep(1)
        before = rss_kb(process.pid)
        idle = await connect_many([f"ws://127.0.0.1:{port}/ws/?ticket={t}" for t in itickets])
        await asyncio.sleep(2)
        after = rss_kb(process.pid)
        idle_per_conn = (after - before) / len(idle)
        print(
            f"    RSS {before / 1024:.0f} MB → {after / 1024:.0f} MB with {len(idle)} idle "
            f"sockets: {idle_per_conn:.1f} KB each",
            flush=True,
        )
        for ws in idle:
            await ws.close()
    return {
        "steady": steady,
        "best": best,
        "persisted_per_s": persisted,
        "ack_p99_ms": pct(acks, 0.99),
        "idle_kb": idle_per_conn,
    }


async def bench_bare(args: argparse.Namespace, port: int) -> dict[str, Any]:
    sockets = await connect_many([f"ws://127.0.0.1:{port}/"] * (args.clients + 1))
    sender, receivers = sockets[0], sockets[1:]

    async def send(stamp: str) -> None:
        await sender.send(json.dumps({"t": stamp, "body": "x"}))

    async def drain() -> None:
        with contextlib.suppress(Exception):
            while True:
                await sender.recv()

    drainer = asyncio.create_task(drain())

    def extract(message: dict[str, Any]) -> str | None:
        stamp: str = message["t"]
        return stamp

    steady = await run_fanout(receivers, send, extract, args.rate, args.duration)
    print("   ", steady.line("bare steady"), flush=True)
    best = await ramp(
        lambda rate: run_fanout(receivers, send, extract, rate, args.step), args.rate * 2, 4000
    )
    drainer.cancel()
    if best is None and steady.ok:
        best = steady  # the steady rate held the target even if the first step up did not
    for ws in sockets:
        await ws.close()
    return {"steady": steady, "best": best}


def run_bare(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """The baseline: a bare `websockets` server that broadcasts every message it gets."""
    port = free_port()
    script = tmp / "bare_server.py"
    script.write_text(BARE_SERVER)
    process = subprocess.Popen([sys.executable, str(script), str(port)])
    try:
        wait_port(port, process)
        return asyncio.run(bench_bare(args, port))
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of steady sending")
    parser.add_argument("--step", type=float, default=3.0, help="seconds per ramp step")
    parser.add_argument("--processes", type=int, default=1, help="daphne processes")
    parser.add_argument("--idle", type=int, default=2000, help="idle sockets for RSS (0: skip)")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp_name:
        tmp = Path(tmp_name)
        stack = Stack(tmp, args.processes)
        try:
            stack.start()
            print(
                f"Backstage: {args.processes} daphne process(es), RedisPubSubChannelLayer, "
                f"{os.environ['DATABASE_URL'].split(':')[0]}, {args.clients} clients",
                flush=True,
            )
            ours = asyncio.run(bench_backstage(stack, args))
        finally:
            stack.stop()
        bare = None if args.skip_baseline else run_bare(args, tmp)

    def ceiling(result: dict[str, Any] | None) -> float:
        best = result and result["best"]
        return best.rate * best.clients if best else 0.0

    print("\n== summary ==")
    print(ours["steady"].line("backstage"))
    if bare:
        print(bare["steady"].line("bare websockets"))
    print(
        f"fan-out ceiling (p99 ≤ {P99_TARGET_MS:.0f} ms, no loss): backstage "
        f"{ceiling(ours):.0f} deliveries/s",
        end="",
    )
    if bare:
        ratio = ceiling(ours) / ceiling(bare) if ceiling(bare) else float("nan")
        print(f", bare {ceiling(bare):.0f}/s, ratio {ratio:.2f}x")
    else:
        print()
    print(f"persisted: {ours['persisted_per_s']:.0f} msg/s, ack p99 {ours['ack_p99_ms']:.1f} ms")
    if ours["idle_kb"] is not None:
        print(f"RSS per idle connection: {ours['idle_kb']:.1f} KB")
    print(f"mean latency (steady): {statistics.fmean(ours['steady'].latencies_ms or [0]):.1f} ms")


if __name__ == "__main__":
    main()
