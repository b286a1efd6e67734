"""A whole speed-meeting event, as the issue asks: 30 students and 10 professionals, 5 rounds in
person, served by real daphne processes to real WebSocket clients, every participant connected,
the organiser driving a fast clock through REST ("next" at each phase's end).

With REDIS_URL set (PostgreSQL and Redis, production's services) two processes serve it, the
participants spread over both, and the organiser's calls go to either: each round's pushes
cross between processes through Redis. In the embedded mode one process serves it all.
"""

import asyncio
import contextlib
import json
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import ClientConnection, connect

from events.models import Event, EventMode
from realtime.tickets import ticket_issue
from tests.conftest import LiveDaphne, start_daphne, stop_daphne
from tests.realtime import conftest as gateway

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
    pytest.mark.timeout(600),
]

# The gateway's fixture that closes the database connections of asgiref's thread.
thread_connections_closed = gateway.thread_connections_closed

STUDENTS, PROFESSIONALS, ROUNDS, PER_TABLE = 30, 10, 5, 3
# Generous: the waits end as soon as the pushes are in; a loaded CI machine may be slow.
PUSH_TIMEOUT = 60.0


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[list[LiveDaphne]]:
    """Two daphne processes sharing Redis when REDIS_URL is set; one in the embedded mode
    (its in-memory channel layer cannot reach another process)."""
    if os.environ.get("REDIS_URL"):
        env = {"CHANNEL_LAYER_PREFIX": f"events-{uuid.uuid4().hex[:8]}"}
        started = [start_daphne(tmp_path, env), start_daphne(tmp_path, env)]
    else:
        started = [start_daphne(tmp_path)]
    yield started
    for live in started:
        stop_daphne(live)


class Participant:
    """One real WebSocket client of the gateway. A reader task keeps every message it gets
    (answering pings), so pushes are recorded as they arrive, whoever waits for them."""

    def __init__(self, user_id: int, ws: ClientConnection) -> None:
        self.user_id = user_id
        self.ws = ws
        self.messages: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._refs = 0
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, live: LiveDaphne, user: Any) -> "Participant":
        ticket = await sync_to_async(lambda: ticket_issue(user=user).ticket)()
        ws = await connect(f"{live.ws_url}?ticket={ticket}", open_timeout=PUSH_TIMEOUT)
        participant = cls(user.pk, ws)
        await participant.until(lambda m: m["type"] == "joined")
        return participant

    async def _read(self) -> None:
        with contextlib.suppress(Exception):  # the socket closed: the test closed it
            async for text in self.ws:
                message = json.loads(text)
                if message["type"] == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                    continue
                self.messages.append(message)
                self._arrived.set()

    async def until(
        self, found: Callable[[dict[str, Any]], bool], timeout: float = PUSH_TIMEOUT
    ) -> dict[str, Any]:
        """The first message (already in, or yet to come) that `found` accepts."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for message in self.messages:
                if found(message):
                    return message
            self._arrived.clear()
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise TimeoutError(f"user {self.user_id}: nothing matched in {self.messages}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)

    async def join(self, topic: str) -> dict[str, Any]:
        self._refs += 1
        ref = f"j{self._refs}"
        await self.ws.send(json.dumps({"type": "join", "topic": topic, "ref": ref}))
        reply = await self.until(lambda m: m["type"] == "reply" and m["ref"] == ref)
        assert reply["ok"], reply
        data: dict[str, Any] = reply["data"]
        return data

    def pushes(self, topic: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("topic") == topic and m["type"] != "reply"]

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


def got(event_type: str, round_: int | None = None) -> Callable[[dict[str, Any]], bool]:
    def match(message: dict[str, Any]) -> bool:
        return message["type"] == event_type and (
            round_ is None or message["data"].get("round") == round_
        )

    return match


def make_people(make_user: Callable[..., Any]) -> tuple[list[Any], list[Any]]:
    professionals = [make_user(role="professional", verified=True) for _ in range(PROFESSIONALS)]
    students = [make_user(role="student", birth_year=2010) for _ in range(STUDENTS)]
    return professionals, students


def id_of(person: Any) -> int:
    """The plan names people by id; a pairing by {"id", "name"}."""
    return int(person["id"] if isinstance(person, dict) else person)


def plan_pairings(plan: dict[str, Any]) -> dict[tuple[int, int], tuple[int, list[int], Any]]:
    """{(round, user id): (professional id, sorted student ids, table)} from GET /plan/."""
    found: dict[tuple[int, int], tuple[int, list[int], Any]] = {}
    for number, tables in enumerate(plan["rounds"], start=1):
        for table in tables:
            professional = id_of(table["professional"])
            students = sorted(id_of(s) for s in table["students"])
            for member in (professional, *students):
                assert (number, member) not in found, f"{member} at two tables in round {number}"
                found[number, member] = (professional, students, table["table"])
    return found


def as_planned(pairing: dict[str, Any]) -> tuple[int, list[int], Any]:
    return (
        pairing["professional"]["id"],
        sorted(s["id"] for s in pairing["students"]),
        pairing["table"],
    )


async def test_thirty_students_ten_professionals_five_rounds(
    servers: list[LiveDaphne],
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    organiser: Any,
) -> None:
    professionals, students = await sync_to_async(make_people)(make_user)
    event = await sync_to_async(make_event)(
        mode=EventMode.IN_PERSON,
        rounds=ROUNDS,
        round_seconds=300,
        break_seconds=60,
        students_per_table=PER_TABLE,
        students=students,
        professionals=professionals,
    )
    token = (await sync_to_async(Token.objects.create)(user=organiser)).key
    everyone = [organiser, *professionals, *students]
    roles = {organiser.pk: "organiser"}
    roles |= {p.pk: "professional" for p in professionals}
    roles |= {s.pk: "student" for s in students}

    # Every participant connected, spread over the processes, in the topic before the start.
    clients: dict[int, Participant] = {}
    for index, user in enumerate(everyone):
        clients[user.pk] = await Participant.open(servers[index % len(servers)], user)
    for user in everyone:
        joined = await clients[user.pk].join(event.topic)
        assert joined["role"] == roles[user.pk]
        assert joined["state"]["status"] == "draft" and joined["pairing"] is None
    # Every socket a user had, for the end (three students reconnect mid-event).
    connections: dict[int, list[Participant]] = {pk: [c] for pk, c in clients.items()}

    async with httpx.AsyncClient(
        headers={"Authorization": f"Token {token}"}, timeout=PUSH_TIMEOUT
    ) as http:

        async def control(action: str, turn: int) -> None:
            # The organiser's calls land on either process, as behind a load balancer.
            base = servers[turn % len(servers)].http_url
            response = await http.post(f"{base}/api/events/{event.pk}/{action}/")
            assert response.status_code == 200, response.text

        async def everyone_gets(event_type: str, round_: int | None = None) -> None:
            await asyncio.gather(*(c.until(got(event_type, round_)) for c in clients.values()))

        await control("start", 0)
        for round_ in range(1, ROUNDS + 1):
            await everyone_gets("round.started", round_)
            if round_ == 2:
                response = await http.post(
                    f"{servers[-1].http_url}/api/events/{event.pk}/announce/",
                    json={"text": "Coffee after round 3."},
                )
                assert response.status_code == 200, response.text
                await everyone_gets("announcement")
            if round_ == 3:
                # Three phones lose their connection mid-round and come back on another
                # process: the join reply alone puts them back in step.
                for student in students[:3]:
                    old = clients[student.pk]
                    pairing = (await old.until(got("round.started", 3)))["data"]["pairing"]
                    await old.close()
                    at = (everyone.index(student) + 1) % len(servers)
                    back = await Participant.open(servers[at], student)
                    reply = await back.join(event.topic)
                    assert reply["state"]["status"] == "live"
                    assert (reply["state"]["round"], reply["state"]["phase"]) == (3, "meeting")
                    assert reply["pairing"] == pairing
                    assert reply["next"] is not None and reply["next"]["round"] == 4
                    clients[student.pk] = back
                    connections[student.pk].append(back)
            await control("next", round_)
            if round_ < ROUNDS:
                await everyone_gets("break.started", round_)
                await control("next", round_ + 1)
        await everyone_gets("event.ended")

        plan_response = await http.get(f"{servers[0].http_url}/api/events/{event.pk}/plan/")
        assert plan_response.status_code == 200, plan_response.text
        planned = plan_pairings(plan_response.json())

    # Late duplicates would come within moments: give them the chance before counting.
    await asyncio.sleep(1)
    for client in clients.values():
        await client.close()

    expected_order: list[tuple[str, int | None]] = []
    for round_ in range(1, ROUNDS + 1):
        expected_order.append(("round.started", round_))
        if round_ == 2:
            expected_order.append(("announcement", None))
        if round_ < ROUNDS:
            expected_order.append(("break.started", round_))
    expected_order.append(("event.ended", None))

    met: dict[int, list[int]] = {s.pk: [] for s in students}
    tables_of: dict[int, set[Any]] = {p.pk: set() for p in professionals}
    for user in everyone:
        pushes = [p for c in connections[user.pk] for p in c.pushes(event.topic)]
        # Each phase once, in order: no duplicate round.started, no break missed.
        seen = [(p["type"], p["data"].get("round")) for p in pushes]
        assert seen == expected_order, (user.pk, seen)
        for push in pushes:
            if push["type"] != "round.started":
                continue
            round_, pairing = push["data"]["round"], push["data"]["pairing"]
            if user == organiser:
                assert pairing is None
                continue
            # Their own pairing, exactly as the plan has it.
            assert pairing is not None, (user.pk, round_)
            assert pairing["round"] == round_ and pairing["room"] is None
            assert as_planned(pairing) == planned[round_, user.pk], (user.pk, round_)
            if roles[user.pk] == "student":
                met[user.pk].append(pairing["professional"]["id"])
            else:
                assert pairing["professional"]["id"] == user.pk
                assert len(pairing["students"]) == PER_TABLE  # 30 seats, 30 students
                tables_of[user.pk].add(pairing["table"])
    # Nobody meets the same professional twice; everyone sat every round.
    assert all(len(ids) == ROUNDS == len(set(ids)) for ids in met.values()), met
    # In person a professional keeps one table all event, each their own.
    assert all(len(tables) == 1 for tables in tables_of.values()), tables_of
    assert len({next(iter(tables)) for tables in tables_of.values()}) == PROFESSIONALS
    # Each round.started went out once per user: one group message, each their own text.
    counts = Counter(
        (user.pk, p["data"]["round"])
        for user in everyone
        for c in connections[user.pk]
        for p in c.pushes(event.topic)
        if p["type"] == "round.started"
    )
    assert set(counts.values()) == {1} and len(counts) == len(everyone) * ROUNDS
