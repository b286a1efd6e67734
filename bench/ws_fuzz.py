"""WebSocket fuzz: every frame gets exactly one structured reply, and none is `internal`.

    .venv/bin/python -m bench.ws_fuzz [--frames 100000] [--seed 1] [--connections 24]
        [--window 16] [--server daphne|uvicorn]

Starts a server process on a scratch database (PostgreSQL when DATABASE_URL points at one: a
database `<name>_ws_fuzz` beside it, dropped afterwards; a temporary SQLite file otherwise;
Redis when REDIS_URL is set, under a prefix of its own), with the gateway's rate limits raised
so that the fuzz reaches validation instead of being throttled. Three users (a professional
hosting a room, a student in a direct conversation with them, a student outside it) open
`--connections` sockets between them; each socket sends its share of the frames from a seeded
generator (bench/ws_fuzz_frames.py: valid, near-valid and garbage frames for every topic kind
and frame type), `--window` at a time, then a sentinel frame. Replies come in frame order, so
once the sentinel's reply is in, every reply of the window must be too: the refs received are
compared with those owed (missing, duplicated or unexpected ones are reported) and every reply
is checked for the protocol's shape. Exits 1 on any problem, an `internal` reply, or an error
in the server's log.

Frames over 64 KiB are not sent: they close the socket (1009) by design.
"""

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import wsclient  # noqa: E402
from bench.chat_servers import free_port, server_command, wait_port  # noqa: E402
from bench.scratch_db import scratch_database  # noqa: E402
from bench.ws_fuzz_frames import FrameGenerator, Shot, World  # noqa: E402

ERROR_CODES = frozenset(
    {"bad_request", "unauthorized", "forbidden", "not_found", "conflict", "rate_limited",
     "too_large", "internal", "consent_required"}
)  # fmt: skip
# Hangs are failures, not measurements: how long a socket may stay silent while owing a reply.
STALL_SECONDS = 60.0
# What the server needs to let a fuzz through at full speed (every other limit stays on).
SERVER_ENV = {
    "WS_RATE_LIMIT_PER_SECOND": "1000000",
    "WS_RATE_LIMIT_BURST": "1000000",
    "CHAT_MESSAGES_PER_MINUTE": "1000000000",
    "ROOMS_SIGNAL_RATE_PER_SECOND": "1000000",
    "ROOMS_SIGNAL_BURST": "1000000",
}


@dataclass
class FuzzReport:
    sent: int = 0
    expected_replies: int = 0
    replied: int = 0
    ok: int = 0
    pushes: int = 0
    seconds: float = 0.0
    codes: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 1000:
            self.problems.append(text)

    def summary(self) -> str:
        rate = self.sent / self.seconds if self.seconds else 0.0
        errors = ", ".join(f"{code} {n}" for code, n in self.codes.most_common())
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.categories.items()))
        return (
            f"{self.sent} frames ({kinds}) in {self.seconds:.1f} s, {rate:.0f} frames/s; "
            f"{self.replied}/{self.expected_replies} replies owed received; ok {self.ok}; "
            f"errors: {errors or 'none'}; {self.pushes} pushes; "
            f"problems: {len(self.problems)}"
        )


# --- the world the frames play in ---------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    host_id: int
    member_id: int
    outsider_id: int
    dm_topic: str
    room_topic: str


def seed_world() -> Seeded:
    """Three users, a direct conversation and a room, made through the services."""
    from accounts.models import User
    from chat import services as chat_services
    from rooms.services import room_create

    run = uuid.uuid4().hex[:8]
    host = User.objects.create(
        username=f"fuzz-{run}-host", role="professional", verified=True, display_name="Host"
    )
    member, outsider = (
        User.objects.create(
            username=f"fuzz-{run}-{name}", role="student", birth_year=2008, display_name=name
        )
        for name in ("member", "outsider")
    )
    request = chat_services.contact_request_create(
        student=member, professional=host, message="Hello, may I ask you something?"
    )
    accepted = chat_services.contact_request_accept(professional=host, request_id=request.pk)
    conversation = accepted.conversation
    assert conversation is not None and conversation.topic  # the service's promise
    room = room_create(host=host, title="Fuzz room")
    return Seeded(host.pk, member.pk, outsider.pk, conversation.topic, room.topic)


def issue_tickets(user_ids: list[int]) -> list[str]:
    from accounts.models import User
    from realtime.tickets import ticket_issue

    users = {user.pk: user for user in User.objects.filter(pk__in=set(user_ids))}
    return [ticket_issue(user=users[user_id]).ticket for user_id in user_ids]


# --- one socket ---------------------------------------------------------------------------------


def check_reply(message: dict[str, Any], report: FuzzReport) -> None:
    """The reply's shape (protocol.md), and its outcome in the report."""
    if set(message) not in ({"type", "ref", "ok", "data"}, {"type", "ref", "ok", "error"}):
        report.problem(f"reply of unexpected shape: {str(message)[:200]}")
        return
    if message["ok"] is True and isinstance(message.get("data"), dict):
        report.ok += 1
        return
    error = message.get("error")
    if (
        message["ok"] is not False
        or not isinstance(error, dict)
        or set(error) != {"code", "message"}
        or error["code"] not in ERROR_CODES
        or not isinstance(error["message"], str)
        or not error["message"]
    ):
        report.problem(f"malformed reply: {str(message)[:200]}")
        return
    report.codes[error["code"]] += 1
    if error["code"] == "internal":
        report.problem(f"internal: {str(message)[:200]}")


def note_peers(message: dict[str, Any], world: World) -> None:
    """Keep the room's live peer ids, so signals can reach real peers."""
    data = message.get("data")
    if not isinstance(data, dict):
        return
    if message.get("type") == "reply" and isinstance(data.get("peer_id"), str):
        world.peer_ids.add(data["peer_id"])
    if message.get("type") == "presence":
        for entry in data.get("joins") or []:
            world.peer_ids.add(entry.get("peer_id"))
        for entry in data.get("leaves") or []:
            world.peer_ids.discard(entry.get("peer_id"))


async def next_text(client: wsclient.Client, inbox: "asyncio.Queue[bytes]") -> bytes | None:
    """The next text frame, or None once the socket is closed or silent for STALL_SECONDS."""
    if not inbox.empty():
        return inbox.get_nowait()
    getter: asyncio.Future[Any] = asyncio.ensure_future(inbox.get())
    watched: set[asyncio.Future[Any]] = {getter, client.closed}
    done, _ = await asyncio.wait(
        watched, timeout=STALL_SECONDS, return_when=asyncio.FIRST_COMPLETED
    )
    if getter in done:
        text: bytes = getter.result()
        return text
    getter.cancel()
    return None


async def drive(
    url: str, generator: FrameGenerator, frames: int, window: int, report: FuzzReport
) -> None:
    world = generator.world
    client = await wsclient.connect(url)
    inbox: asyncio.Queue[bytes] = asyncio.Queue()
    client.inbox = inbox
    sentinel_topic = f"user:{world.user_id}"
    try:
        done, rounds = 0, 0
        while done < frames:
            owed: Counter[str | None] = Counter()
            for _ in range(min(window, frames - done)):
                shot: Shot = generator.next()
                if shot.text is None:
                    assert client.transport is not None
                    client.transport.write(wsclient._frame(0x2, shot.binary))
                else:
                    client.send_text(shot.text)
                report.sent += 1
                report.categories[shot.category] += 1
                if shot.replies:
                    owed[shot.ref] += 1
                done += 1
            rounds += 1
            sentinel = f"{generator.prefix}sentinel-{rounds}"
            client.send_text(json.dumps({"type": "join", "topic": sentinel_topic, "ref": sentinel}))
            report.expected_replies += sum(owed.values())
            got: Counter[str | None] = Counter()
            while True:
                payload = await next_text(client, inbox)
                if payload is None:
                    report.problem(f"{generator.prefix} socket closed, or no reply in time")
                    return
                message = json.loads(payload)
                note_peers(message, world)
                if message.get("type") != "reply":
                    report.pushes += 1
                    continue
                if message.get("ref") == sentinel:
                    break
                check_reply(message, report)
                got[message.get("ref")] += 1
            report.replied += sum((got & owed).values())
            for ref, count in (owed - got).items():
                report.problem(f"missing {count} reply(ies) to ref {ref!r}")
            for ref, count in (got - owed).items():
                report.problem(f"{count} unexpected reply(ies) with ref {ref!r}")
    finally:
        client.close()


async def fuzz(
    url: str, worlds: list[World], tickets: list[str], frames: int, seed: int, window: int
) -> FuzzReport:
    report = FuzzReport()
    shares = [
        frames // len(worlds) + (index < frames % len(worlds)) for index in range(len(worlds))
    ]
    started = time.perf_counter()
    await asyncio.gather(
        *(
            drive(
                f"{url}?ticket={ticket}",
                FrameGenerator(f"{seed}-{index}", world),
                share,
                window,
                report,
            )
            for index, (world, ticket, share) in enumerate(
                zip(worlds, tickets, shares, strict=True)
            )
        )
    )
    report.seconds = time.perf_counter() - started
    return report


def fuzz_against(
    ws_url: str, *, frames: int, seed: int, connections: int = 24, window: int = 16
) -> FuzzReport:
    """Seed a world in the database this process's Django uses (the server's), then fuzz the
    gateway at `ws_url` with `frames` frames over `connections` sockets."""
    seeded = seed_world()
    users = [seeded.host_id, seeded.member_id, seeded.outsider_id]
    user_ids = [users[index % 3] for index in range(connections)]
    peers: set[str] = set()
    worlds = [
        World(
            user_id=user_id,
            is_host=user_id == seeded.host_id,
            user_ids=users,
            dm_topic=seeded.dm_topic,
            room_topic=seeded.room_topic,
            other_user_topic=f"user:{users[(users.index(user_id) + 1) % 3]}",
            peer_ids=peers,
        )
        for user_id in user_ids
    ]
    tickets = issue_tickets(user_ids)
    return asyncio.run(fuzz(ws_url, worlds, tickets, frames, seed, window))


# --- the command --------------------------------------------------------------------------------


def configure() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--connections", type=int, default=24)
    parser.add_argument("--window", type=int, default=16, help="frames sent before waiting")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
    return parser.parse_args()


def main() -> int:
    args = configure()
    scratch = scratch_database("ws_fuzz")
    scratch.recreate()
    logs = Path(tempfile.mkdtemp(prefix="bench-ws-fuzz-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        port = free_port()
        log = logs / f"{args.server}-{port}.log"
        env = {
            **os.environ,
            **SERVER_ENV,
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CHANNEL_LAYER_PREFIX": f"fuzz-{uuid.uuid4().hex[:8]}",
            "CACHE_KEY_PREFIX": f"fuzz-{uuid.uuid4().hex[:8]}",
            "PYTHONUNBUFFERED": "1",
        }
        with log.open("wb") as out:
            server = subprocess.Popen(
                server_command(args.server, "config.asgi:application", port),
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_port(port, server)
        database = "PostgreSQL" if scratch.is_postgres else "SQLite"
        layer = "Redis" if os.environ.get("REDIS_URL") else "in-memory"
        print(
            f"{args.server}, {database}, {layer}; {args.frames} frames, seed {args.seed}, "
            f"{args.connections} sockets, window {args.window}"
        )
        report = fuzz_against(
            f"ws://127.0.0.1:{port}/ws/",
            frames=args.frames,
            seed=args.seed,
            connections=args.connections,
            window=args.window,
        )
        print(report.summary())
        for problem in report.problems[:20]:
            print(f"  problem: {problem}")
        logged = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if " ERROR " in line or line.startswith("Traceback")
        ]
        print(f"server log: {len(logged)} error line(s) ({log})")
        for line in logged[:10]:
            print(f"  {line[:200]}")
        failed = bool(report.problems or report.codes["internal"] or logged)
        failed = failed or report.replied != report.expected_replies
        print("FAIL" if failed else "PASS")
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=10)
            if server.poll() is None:
                server.kill()
                server.wait()
        from django.db import connections

        connections.close_all()
        scratch.recreate(drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
