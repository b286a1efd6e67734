"""Soak: many clients for a long time against two server processes, as production runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python -m bench.soak
    python -m bench.soak --clients 200 --minutes 3       # a short run

1,000 clients (students and professionals, each pair sharing a `dm:`), each joined to its
own `user:` topic and its dm, spread over two server processes (the Procfile's uvicorn by
default) sharing a private Redis and a scratch database. Every minute 5% of the clients
close and come back with a new ticket from the REST API, spread over the minute. Chat runs
at 50 messages a second over random conversations, and a four-peer mesh room relays signal
frames all along.

It checks what an operator needs to trust a deployment for a day:
- nothing lost: every acknowledged message is in the database, and reached its partner
  whenever the partner stayed connected from before the send until the end;
- memory: each server's RSS at the end against its RSS after the warm-up (growth < 5%);
- database: connections the servers hold against the pool they are configured with;
- latency: chat delivery and signal relay p99, minute by minute; the first minute after the
  warm-up is the baseline the last minute is compared with, side by side in the same run.
"""

import argparse
import asyncio
import functools
import itertools
import json
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.chat_servers import Stack, rss_kb
from bench.signalling import STAMP, fake_sdp
from bench.wsclient import Client, connect

MARK = b'"~s'


def configure() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup-minutes", type=float, default=1.0)
    parser.add_argument("--chat-rate", type=float, default=50.0, help="messages per second")
    parser.add_argument("--reconnect-share", type=float, default=0.05, help="per minute")
    parser.add_argument("--signal-rate", type=float, default=5.0, help="per room peer, per s")
    parser.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Member:
    """One simulated browser tab: a user, their token, their dm and their server."""

    index: int
    user_id: int
    token: str
    topic: str
    port: int
    partner: int = -1
    ws: Client | None = None
    generation: int = 0  # bumped on every reconnection
    joined: bool = False
    refs: "itertools.count[int]" = field(default_factory=itertools.count)


@dataclass
class Sent:
    sender: int
    recipient: int
    at: float
    recipient_generation: int
    acked: bool = False
    delivered: bool = False


class Soak:
    def __init__(self, args: argparse.Namespace, members: list[Member]) -> None:
        self.args = args
        self.members = members
        self.sent: dict[int, Sent] = {}
        self.waiting: dict[str, asyncio.Future[bytes]] = {}
        self.minute_chat: list[float] = []
        self.minute_signal: list[float] = []
        self.signal_sent = 0
        self.signal_received = 0
        self.errors: dict[str, int] = {}
        self.reconnections = 0

    # --- frames in ------------------------------------------------------------------------

    def on_text(self, member: Member, payload: bytes) -> None:
        at = payload.find(MARK)
        if at >= 0 and not payload.startswith(b'{"type":"reply"'):
            end = payload.find(b'"', at + 3)
            number, _, stamp = payload[at + 3 : end].partition(b":")
            sent = self.sent.get(int(number))
            if sent is not None and sent.recipient == member.index and not sent.delivered:
                sent.delivered = True
                self.minute_chat.append((time.perf_counter() - float(stamp)) * 1000)
            return
        if payload.startswith(b'{"type":"reply"'):
            message = json.loads(payload)
            ref = message.get("ref") or ""
            waiter = self.waiting.pop(ref, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(payload)
            if ref.startswith("m") and message.get("ok"):
                self.sent[int(ref[1:].split("-")[0])].acked = True
            elif not message.get("ok"):
                code = (message.get("error") or {}).get("code", "error")
                self.errors[code] = self.errors.get(code, 0) + 1

    async def request(self, member: Member, frame: dict[str, Any]) -> dict[str, Any]:
        ref = f"{frame['type']}-{member.index}-{next(member.refs)}"
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.waiting[ref] = future
        assert member.ws is not None
        member.ws.send_text(json.dumps({**frame, "ref": ref}))
        return dict(json.loads(await asyncio.wait_for(future, timeout=30)))

    # --- connections ----------------------------------------------------------------------

    async def ticket(self, http: Any, port: int, token: str) -> str:
        response = await http.post(
            f"http://127.0.0.1:{port}/api/ws-ticket/", headers={"Authorization": f"Token {token}"}
        )
        response.raise_for_status()
        return str(response.json()["ticket"])

    async def open(self, http: Any, member: Member) -> None:
        ticket = await self.ticket(http, member.port, member.token)
        member.ws = await connect(
            f"ws://127.0.0.1:{member.port}/ws/?ticket={ticket}",
            functools.partial(self.on_text, member),
        )
        for topic in (f"user:{member.user_id}", member.topic):
            reply = await self.request(member, {"type": "join", "topic": topic})
            if not reply.get("ok"):
                raise RuntimeError(f"join {topic} refused: {reply}")
        member.joined = True

    async def reconnect(self, http: Any, member: Member) -> None:
        member.joined = False
        member.generation += 1
        if member.ws is not None:
            member.ws.close()
        await self.open(http, member)
        self.reconnections += 1

    # --- load -----------------------------------------------------------------------------

    async def chat(self, until: float) -> None:
        rng = random.Random(self.args.seed)
        interval = 1.0 / self.args.chat_rate
        start, number = time.perf_counter(), 0
        while time.perf_counter() < until:
            sender = self.members[rng.randrange(len(self.members))]
            recipient = self.members[sender.partner]
            if sender.joined and sender.ws is not None:
                number += 1
                self.sent[number] = Sent(
                    sender.index,
                    recipient.index,
                    time.perf_counter(),
                    recipient.generation if recipient.joined else -1,
                )
                body = f"~s{number}:{time.perf_counter():.9f}"
                sender.ws.send_text(
                    json.dumps(
                        {
                            "type": "message.send",
                            "topic": sender.topic,
                            "ref": f"m{number}",
                            "data": {"body": body, "client_id": uuid.uuid4().hex},
                        }
                    )
                )
            await asyncio.sleep(max(0.0, start + number * interval - time.perf_counter()))

    async def churn(self, http: Any, until: float) -> None:
        rng = random.Random(self.args.seed + 1)
        per_minute = max(1, round(len(self.members) * self.args.reconnect_share))
        interval = 60.0 / per_minute
        while time.perf_counter() + interval < until:
            await asyncio.sleep(interval)
            await self.reconnect(http, self.members[rng.randrange(len(self.members))])

    async def relay(self, peers: list[tuple[Client, str, str]], until: float) -> None:
        async def run(ws: Client, topic: str, peer_id: str, others: list[str]) -> None:
            targets = itertools.cycle(others)
            interval = 1.0 / self.args.signal_rate
            start, sent = time.perf_counter(), 0
            while time.perf_counter() < until:
                stamp = time.perf_counter_ns()
                data = {"to": next(targets), "kind": "offer", "sdp": fake_sdp(stamp)}
                frame = {"type": "signal", "topic": topic, "ref": f"s{sent}", "data": data}
                ws.send_text(json.dumps(frame))
                sent += 1
                self.signal_sent += 1
                await asyncio.sleep(max(0.0, start + sent * interval - time.perf_counter()))

        ids = [peer_id for _ws, _topic, peer_id in peers]
        await asyncio.gather(
            *(
                run(ws, topic, peer_id, [other for other in ids if other != peer_id])
                for ws, topic, peer_id in peers
            )
        )

    def on_text_reply(self, payload: bytes) -> None:
        message = json.loads(payload)
        if not message.get("ok"):
            code = "signal: " + (message.get("error") or {}).get("code", "error")
            self.errors[code] = self.errors.get(code, 0) + 1

    def on_signal(self, payload: bytes) -> None:
        if payload.startswith((b'{"type":"signal"', b'{"type": "signal"')):
            found = STAMP.search(payload)
            if found:
                self.signal_received += 1
                now = time.perf_counter_ns()
                self.minute_signal.append((now - int(found[1] or found[2])) / 1e6)


# --- set-up ---------------------------------------------------------------------------------


def seed(count: int) -> tuple[list[tuple[int, str, str]], list[tuple[str, str]]]:
    """`count` users in dm pairs ([(user id, token, topic)]), a room with four peers
    ([(token, topic)]). Memberships are what the dm access checks."""
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from chat.models import Conversation, Membership
    from rooms.services import room_create

    run = uuid.uuid4().hex[:6]
    users = User.objects.bulk_create(
        [
            User(
                username=f"soak-{run}-{n}",
                display_name=f"Soak {n}",
                role="professional" if n % 2 else "student",
                verified=bool(n % 2),
            )
            for n in range(count)
        ]
    )
    tokens = Token.objects.bulk_create(
        [Token(user=user, key=Token.generate_key()) for user in users]
    )
    members = []
    for pair in range(count // 2):
        conversation = Conversation.objects.create(kind="dm")
        conversation.topic = f"dm:{conversation.pk}"
        conversation.save(update_fields=["topic"])
        two = users[2 * pair : 2 * pair + 2]
        Membership.objects.bulk_create([Membership(conversation=conversation, user=u) for u in two])
        for offset in (0, 1):
            members.append((two[offset].pk, tokens[2 * pair + offset].key, conversation.topic))
    host = User.objects.create(
        username=f"soak-{run}-host", role="professional", verified=True, display_name="Host"
    )
    room = room_create(host=host, title="Soak room")
    guests = [
        User.objects.create(
            username=f"soak-{run}-room{seat}", role="student", display_name=f"Guest {seat}"
        )
        for seat in range(3)
    ]
    peers = [(Token.objects.create(user=user).key, room.topic) for user in [host, *guests]]
    return members, peers


def pool_limit() -> int | None:
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    pool = options.get("pool")
    if isinstance(pool, dict) and pool.get("max_size"):
        return int(pool["max_size"])
    return None


def database_connections(stack: Stack) -> int:
    import psycopg

    assert stack.scratch is not None
    if not stack.scratch.is_postgres:
        return 0
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [stack.scratch.name],
        ).fetchone()
    return int(row[0]) if row else 0


async def room_peers(http: Any, ports: list[int], peers: list[tuple[str, str]], soak: Soak) -> Any:
    joined = []
    for n, (token, topic) in enumerate(peers):
        port = ports[n % len(ports)]
        ticket = await soak.ticket(http, port, token)
        replies: asyncio.Queue[bytes] = asyncio.Queue()

        def on_text(payload: bytes, queue: asyncio.Queue[bytes] = replies) -> None:
            if payload.startswith(b'{"type":"reply","ref":"j"'):
                queue.put_nowait(payload)
            elif payload.startswith(b'{"type":"reply"'):
                soak.on_text_reply(payload)
            else:
                soak.on_signal(payload)

        ws = await connect(f"ws://127.0.0.1:{port}/ws/?ticket={ticket}", on_text)
        ws.send_text(json.dumps({"type": "join", "topic": topic, "ref": "j"}))
        reply = json.loads(await asyncio.wait_for(replies.get(), timeout=30))
        if not reply.get("ok"):
            raise RuntimeError(f"room join refused: {reply}")
        joined.append((ws, topic, str(reply["data"]["peer_id"])))
    return joined


async def run(args: argparse.Namespace, stack: Stack, ports: list[int], pids: list[int]) -> int:
    import httpx
    from asgiref.sync import sync_to_async
    from django.db import connections

    rows, peers = await sync_to_async(seed)(args.clients)
    # From here on the bench reaches the database only through the servers, so every
    # connection counted below is theirs.
    await sync_to_async(connections.close_all)()
    close_pool = getattr(connections["default"], "close_pool", None)
    if close_pool is not None:
        await sync_to_async(close_pool)()
    members = [
        Member(n, user_id, token, topic, ports[n % len(ports)])
        for n, (user_id, token, topic) in enumerate(rows)
    ]
    for n in range(0, len(members) - 1, 2):
        members[n].partner, members[n + 1].partner = n + 1, n
    soak = Soak(args, members)
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        for start in range(0, len(members), 50):
            await asyncio.gather(*(soak.open(http, m) for m in members[start : start + 50]))
        relay_peers = await room_peers(http, ports, peers, soak)
        print(f"{len(members)} clients and {len(relay_peers)} room peers connected", flush=True)
        total = (args.warmup_minutes + args.minutes) * 60
        until = time.perf_counter() + total
        load = [
            asyncio.create_task(soak.chat(until)),
            asyncio.create_task(soak.churn(http, until)),
            asyncio.create_task(soak.relay(relay_peers, until)),
        ]
        minutes = []
        header = f"{'minute':>6} {'chat p50':>9} {'chat p99':>9} {'relay p99':>10} "
        header += f"{'RSS MB':>15} {'PG conns':>9} {'reconn':>7}"
        print(header, flush=True)
        minute = 0
        while time.perf_counter() < until - 1:
            await asyncio.sleep(min(60.0, max(0.0, until - time.perf_counter())))
            minute += 1
            chat, signal = soak.minute_chat, soak.minute_signal
            soak.minute_chat, soak.minute_signal = [], []
            rss = [rss_kb(pid) / 1024 for pid in pids]
            conns = await sync_to_async(database_connections)(stack)
            row = {
                "minute": minute,
                "warmup": minute <= args.warmup_minutes,
                "chat_p50": pct(chat, 0.5),
                "chat_p99": pct(chat, 0.99),
                "relay_p99": pct(signal, 0.99),
                "rss": rss,
                "connections": conns,
            }
            minutes.append(row)
            print(
                f"{minute:>6} {row['chat_p50']:>8.1f}ms {row['chat_p99']:>8.1f}ms "
                f"{row['relay_p99']:>9.1f}ms {'/'.join(f'{r:.0f}' for r in rss):>15} "
                f"{conns:>9} {soak.reconnections:>7}",
                flush=True,
            )
        await asyncio.gather(*load)
        await asyncio.sleep(3)  # the last deliveries
    return await sync_to_async(report)(args, soak, minutes, len(ports))


def report(
    args: argparse.Namespace, soak: Soak, minutes: list[dict[str, Any]], servers: int
) -> int:
    from chat.models import Message

    acked = {n for n, sent in soak.sent.items() if sent.acked}
    stored = set()
    bodies = Message.objects.filter(body__startswith="~s").values_list("body", flat=True)
    for body in bodies.iterator():
        stored.add(int(body[2:].split(":")[0]))
    not_stored = acked - stored
    undelivered = [
        n
        for n in acked
        if not soak.sent[n].delivered
        and soak.sent[n].recipient_generation == soak.members[soak.sent[n].recipient].generation
    ]
    measured = [row for row in minutes if not row["warmup"]]
    first, last = measured[0], measured[-1]
    growth = [(b - a) / a * 100 for a, b in zip(first["rss"], last["rss"], strict=True)]
    limit = pool_limit()
    most_connections = max(row["connections"] for row in minutes)
    allowed = None if limit is None else limit * servers
    print()
    print(f"messages sent {len(soak.sent)}, acknowledged {len(acked)}, stored {len(stored)}")
    print(f"acknowledged but not stored: {len(not_stored)}")
    print(f"acknowledged, partner connected throughout, not delivered: {len(undelivered)}")
    print(f"signals sent {soak.signal_sent}, relayed {soak.signal_received}")
    print(f"reconnections {soak.reconnections}; error replies {soak.errors or 'none'}")
    print()
    print(f"{'':<24} {'first minute':>13} {'last minute':>12} {'ratio':>7}")
    for label, key in (("chat p99 (ms)", "chat_p99"), ("relay p99 (ms)", "relay_p99")):
        ratio = last[key] / first[key] if first[key] else float("nan")
        print(f"{label:<24} {first[key]:>13.1f} {last[key]:>12.1f} {ratio:>6.2f}x")
    for n, (a, b) in enumerate(zip(first["rss"], last["rss"], strict=True)):
        print(f"{f'server {n + 1} RSS (MB)':<24} {a:>13.1f} {b:>12.1f} {b / a:>6.2f}x")
    print(
        f"PostgreSQL connections: at most {most_connections} "
        f"(pool: {limit if limit is not None else 'none'} per process x {servers})"
    )
    failures = []
    if not_stored or undelivered:
        failures.append("messages lost")
    if any(g >= 5 for g in growth):
        failures.append(f"RSS grew {max(growth):.1f}%")
    if allowed is not None and most_connections > allowed:
        failures.append("connections over the pool")
    print("verdict:", "; ".join(failures) if failures else "ok")
    return 1 if failures else 0


def main() -> None:
    args = configure()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("bench.soak measures production: set DATABASE_URL to a PostgreSQL server.")
    # Every tab asks for a ticket on each reconnection; the bench's users are all on one host.
    os.environ.setdefault("WS_TICKET_THROTTLE_RATE", "100000/min")
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp), "pubsub")
        try:
            stack.start()
            started = stack.start_servers(args.server, 2)
            ports = [port for port, _process in started]
            pids = [process.pid for _port, process in started]
            code = asyncio.run(run(args, stack, ports, pids))
        except BaseException:
            print(stack.logs_tail(), file=sys.stderr)
            raise
        finally:
            stack.stop()
    sys.exit(code)


if __name__ == "__main__":
    main()
