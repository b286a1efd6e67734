"""The `event:` topic over the gateway (WebsocketCommunicator on the real ASGI app): the join
reply for every role, refusals, and the clock's pushes as each connection receives them,
each participant their own pairing."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from events.models import Event, EventParticipant, EventSeat, EventTable
from events.selectors import pairing_for
from events.services import clock, participants
from tests.realtime import conftest as gateway
from tests.realtime.conftest import OpenWs, WsClient, error_code, joined_user

# The gateway's test-client fixtures (tests/realtime/conftest.py), for the tests below.
channel_layer = gateway.channel_layer
open_ws = gateway.open_ws
thread_connections_closed = gateway.thread_connections_closed

pytestmark = pytest.mark.django_db(transaction=True)

JOIN_KEYS = {"state", "pairing", "next", "role"}
STATE_KEYS = {"status", "round", "phase", "phase_ends_at", "server_time"}
PAIRING_KEYS = {"round", "professional", "students", "room", "table"}


# --- helpers -----------------------------------------------------------------------------------


async def next_of(client: WsClient, event: str, timeout: float = 5) -> dict[str, Any]:
    """The next push of type `event`, skipping other pushes."""
    while True:
        message = await client.push(timeout)
        if message["type"] == event:
            return message


async def join_event(opener: OpenWs, user: Any, event: Event) -> tuple[WsClient, dict[str, Any]]:
    """A connected client of `user` that joined the event's topic; returns it and the reply."""
    client = await joined_user(opener, user)
    reply = await client.request("join", event.topic)
    assert reply["ok"], reply
    return client, reply["data"]


def assert_state(state: dict[str, Any], **expected: Any) -> None:
    assert set(state) == STATE_KEYS, state
    assert isinstance(state["server_time"], str) and state["server_time"].endswith("Z")
    for key, value in expected.items():
        assert state[key] == value, (key, state)


def assert_pairing_shape(pairing: dict[str, Any]) -> None:
    """protocol.md's pairing (extra fields allowed, none of these missing)."""
    assert set(pairing) >= PAIRING_KEYS, pairing
    assert {"id", "name"} <= set(pairing["professional"]), pairing
    assert all({"id", "name"} <= set(student) for student in pairing["students"]), pairing


def member_ids(pairing: dict[str, Any]) -> set[int]:
    return {pairing["professional"]["id"], *(s["id"] for s in pairing["students"])}


def expected_pairing(event: Event, user: Any, round_: int) -> dict[str, Any] | None:
    found: dict[str, Any] | None = pairing_for(event=event, user_id=user.pk, round=round_)
    return found


def seated_table(event: Event, user: Any, round_: int) -> int | None:
    """The table number the stored plan gives `user` in `round_` (None: they sit it out)."""
    table = EventTable.objects.filter(event=event, round=round_, professional=user).first()
    if table is not None:
        return table.table
    seat = EventSeat.objects.filter(event=event, round=round_, student=user).first()
    return seat.table.table if seat is not None else None


def reload(event: Event) -> Event:
    return Event.objects.get(pk=event.pk)


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Two professionals and four students: two tables of two each round."""
    return {
        "pros": [make_user(role="professional", verified=True) for _ in range(2)],
        "students": [make_user(role="student", birth_year=2010) for _ in range(4)],
    }


@pytest.fixture
def event(make_event: Callable[..., Event], people: dict[str, Any]) -> Event:
    return make_event(
        rounds=2,
        round_seconds=300,
        break_seconds=60,
        students_per_table=2,
        students=people["students"],
        professionals=people["pros"],
    )


async def start(event: Event, organiser: Any) -> None:
    await sync_to_async(clock.event_start)(organiser=organiser, event_id=event.pk)


async def next_phase(event: Event, organiser: Any) -> None:
    await sync_to_async(clock.event_next)(organiser=organiser, event_id=event.pk)


# --- join ------------------------------------------------------------------------------------


async def test_join_replies_by_role_before_the_start(
    open_ws: OpenWs, event: Event, organiser: Any, people: dict[str, Any]
) -> None:
    for user, role in (
        (organiser, "organiser"),
        (people["students"][0], "student"),
        (people["pros"][0], "professional"),
    ):
        _client, reply = await join_event(open_ws, user, event)
        assert set(reply) == JOIN_KEYS, reply
        assert reply["role"] == role
        assert reply["pairing"] is None and reply["next"] is None  # nothing planned yet
        assert_state(reply["state"], status="draft", round=0, phase=None, phase_ends_at=None)


async def test_outsiders_and_missing_events_hear_not_found(
    open_ws: OpenWs, event: Event, make_user: Callable[..., Any], people: dict[str, Any]
) -> None:
    stranger = await sync_to_async(make_user)(role="student", birth_year=2010)
    other_organiser = await sync_to_async(make_user)(role="organiser")
    refusals = []
    for user in (stranger, other_organiser):
        client = await joined_user(open_ws, user)
        refused = await client.request("join", event.topic)
        assert error_code(refused) == "not_found"
        refusals.append(refused["error"]["message"])
        missing = await client.request("join", "event:999999999")
        assert error_code(missing) == "not_found"
        # A missing event and someone else's answer alike: ids are not probed this way.
        assert missing["error"]["message"] == refused["error"]["message"]
    # The refused connection hears nothing of the event, though a participant does.
    member, _ = await join_event(open_ws, people["students"][0], event)
    outsider = await joined_user(open_ws, stranger)
    assert error_code(await outsider.request("join", event.topic)) == "not_found"
    await sync_to_async(clock.event_announce)(
        organiser=event.organiser, event_id=event.pk, text="Welcome!"
    )
    assert (await next_of(member, "announcement"))["data"] == {"text": "Welcome!"}
    assert await outsider.silent()


async def test_anonymous_sockets_are_closed_before_any_join(open_ws: OpenWs) -> None:
    client = await open_ws()
    assert await client.closed_with() == 4401


async def test_join_takes_no_data_and_clients_send_nothing_else(
    open_ws: OpenWs, event: Event, people: dict[str, Any]
) -> None:
    client = await joined_user(open_ws, people["students"][0])
    assert error_code(await client.request("join", event.topic, {"last_seq": 3})) == "bad_request"
    assert (await client.request("join", event.topic))["ok"]
    refused = await client.request("announcement", event.topic, {"text": "I run this now"})
    assert error_code(refused) == "bad_request"
    assert (await sync_to_async(reload)(event)).status == "draft"


async def test_removed_participant_is_refused_on_rejoin(
    open_ws: OpenWs, event: Event, people: dict[str, Any]
) -> None:
    student = people["students"][0]
    client, _reply = await join_event(open_ws, student, event)
    await sync_to_async(participants.participant_remove)(
        organiser=event.organiser, event_id=event.pk, user_id=student.pk
    )
    assert not await EventParticipant.objects.filter(event=event, user=student).aexists()
    # The open page stops hearing the event at once...
    assert await client.push() == {
        "type": "left",
        "topic": event.topic,
        "data": {"reason": "removed"},
    }
    await sync_to_async(clock.event_announce)(
        organiser=event.organiser, event_id=event.pk, text="Round 1 starts soon."
    )
    assert await client.silent()
    # ...and access is checked again on every join: the reconnecting page is turned away.
    assert error_code(await client.request("join", event.topic)) == "not_found"
    assert error_code(await join_event_raw(open_ws, student, event)) == "not_found"


async def join_event_raw(opener: OpenWs, user: Any, event: Event) -> dict[str, Any]:
    client = await joined_user(opener, user)
    return await client.request("join", event.topic)


async def test_join_replies_of_a_live_event_carry_each_ones_pairing(
    open_ws: OpenWs, event: Event, organiser: Any, people: dict[str, Any]
) -> None:
    await start(event, organiser)
    live = await sync_to_async(reload)(event)
    _client, reply = await join_event(open_ws, organiser, event)
    assert reply["role"] == "organiser" and reply["pairing"] is None and reply["next"] is None
    assert_state(reply["state"], status="live", round=1, phase="meeting")
    assert reply["state"]["phase_ends_at"] is not None

    pairings = {}
    for user in (*people["pros"], *people["students"]):
        _client, reply = await join_event(open_ws, user, event)
        assert set(reply) == JOIN_KEYS
        assert_state(reply["state"], status="live", round=1, phase="meeting")
        pairing, upcoming = reply["pairing"], reply["next"]
        assert_pairing_shape(pairing)
        assert pairing["round"] == 1 and user.pk in member_ids(pairing)
        assert pairing == await sync_to_async(expected_pairing)(live, user, 1)
        assert pairing["table"] == await sync_to_async(seated_table)(live, user, 1)
        assert pairing["room"] is None  # in person: the table is the place
        assert_pairing_shape(upcoming)
        assert upcoming["round"] == 2 and user.pk in member_ids(upcoming)
        assert upcoming == await sync_to_async(expected_pairing)(live, user, 2)
        pairings[user.pk] = pairing
    first, second = people["pros"]
    assert pairings[first.pk]["table"] != pairings[second.pk]["table"]
    assert member_ids(pairings[first.pk]).isdisjoint(member_ids(pairings[second.pk]))


# --- pushes ----------------------------------------------------------------------------------


async def test_round_change_pushes_each_connection_its_own_pairing(
    open_ws: OpenWs, event: Event, organiser: Any, people: dict[str, Any]
) -> None:
    everyone = [organiser, *people["pros"], *people["students"]]
    clients = {user.pk: (await join_event(open_ws, user, event))[0] for user in everyone}

    met: dict[int, list[int]] = {student.pk: [] for student in people["students"]}
    await start(event, organiser)
    for round_ in (1, 2):
        if round_ == 2:
            await next_phase(event, organiser)  # the meeting of round 1 ends: a break
            on_break = await sync_to_async(reload)(event)
            for user in everyone:
                pushed = await next_of(clients[user.pk], "break.started")
                assert pushed["topic"] == event.topic
                data = pushed["data"]
                assert {"round", "phase_ends_at", "server_time"} <= set(data), data
                assert data["round"] == 1
                # An addition to protocol.md: each participant's pairing of the coming round.
                upcoming = await sync_to_async(expected_pairing)(on_break, user, 2)
                assert data["next"] == (None if user == organiser else upcoming)
            await next_phase(event, organiser)  # the break ends: round 2
        live = await sync_to_async(reload)(event)
        received = {}
        for user in everyone:
            pushed = await next_of(clients[user.pk], "round.started")
            assert pushed["topic"] == event.topic
            data = pushed["data"]
            assert {"round", "phase_ends_at", "server_time", "pairing"} <= set(data), data
            assert data["round"] == round_
            assert dt.datetime.fromisoformat(data["phase_ends_at"]) == live.phase_ends_at
            received[user.pk] = data["pairing"]
        # The organiser walks between the tables: no pairing of their own.
        assert received[organiser.pk] is None
        for user in everyone[1:]:
            pairing = received[user.pk]
            assert_pairing_shape(pairing)
            assert pairing["round"] == round_ and user.pk in member_ids(pairing)
            assert pairing == await sync_to_async(expected_pairing)(live, user, round_)
        # Two students at different tables hear different pairings, each their own.
        tables = {received[s.pk]["table"]: s for s in people["students"]}
        assert len(tables) == 2
        one, other = tables.values()
        assert received[one.pk] != received[other.pk]
        assert other.pk not in member_ids(received[one.pk])
        for student in people["students"]:
            met[student.pk].append(received[student.pk]["professional"]["id"])
    # Nobody meets the same professional twice (two rounds, two professionals).
    assert all(len(set(met[student.pk])) == 2 for student in people["students"])

    await next_phase(event, organiser)  # the last meeting ends: the event ends, no break
    for client in clients.values():
        ended = await next_of(client, "event.ended")
        assert ended["topic"] == event.topic
        seen = [m["type"] for m in client.received if m.get("topic") == event.topic]
        assert seen.count("round.started") == 2 and seen.count("break.started") == 1
        assert await client.silent()  # no duplicate follows


async def test_controls_reach_everyone(
    open_ws: OpenWs, event: Event, organiser: Any, people: dict[str, Any]
) -> None:
    everyone = [organiser, people["pros"][0], people["students"][0], people["students"][3]]
    clients = [(await join_event(open_ws, user, event))[0] for user in everyone]
    await start(event, organiser)
    for client in clients:
        await next_of(client, "round.started")

    async def everyone_gets(event_type: str) -> list[dict[str, Any]]:
        return [(await next_of(client, event_type))["data"] for client in clients]

    await sync_to_async(clock.event_pause)(organiser=organiser, event_id=event.pk)
    paused = await sync_to_async(reload)(event)
    for data in await everyone_gets("event.paused"):
        assert set(data) == {"remaining_seconds"}
        assert 0 < data["remaining_seconds"] <= 300
        assert data["remaining_seconds"] == pytest.approx(paused.paused_remaining, abs=1)

    await sync_to_async(clock.event_resume)(organiser=organiser, event_id=event.pk)
    resumed = await sync_to_async(reload)(event)
    for data in await everyone_gets("event.resumed"):
        assert {"phase_ends_at", "server_time"} <= set(data), data
        assert dt.datetime.fromisoformat(data["phase_ends_at"]) == resumed.phase_ends_at

    await sync_to_async(clock.event_extend)(organiser=organiser, event_id=event.pk, seconds=120)
    extended = await sync_to_async(reload)(event)
    assert resumed.phase_ends_at is not None
    assert extended.phase_ends_at == resumed.phase_ends_at + dt.timedelta(seconds=120)
    for data in await everyone_gets("round.extended"):
        assert {"phase_ends_at", "server_time"} <= set(data), data
        assert dt.datetime.fromisoformat(data["phase_ends_at"]) == extended.phase_ends_at
        assert dt.datetime.fromisoformat(data["server_time"]) <= timezone.now()

    await sync_to_async(clock.event_announce)(
        organiser=organiser, event_id=event.pk, text="Coffee is served in the hall."
    )
    for data in await everyone_gets("announcement"):
        assert data == {"text": "Coffee is served in the hall."}

    await sync_to_async(clock.event_end)(organiser=organiser, event_id=event.pk)
    await everyone_gets("event.ended")
    # After the end a join still answers, with the final state and no pairing.
    _client, reply = await join_event(open_ws, people["students"][0], event)
    assert_state(reply["state"], status="ended")
    assert reply["pairing"] is None and reply["next"] is None


async def test_reconnect_mid_round_gets_the_current_pairing(
    open_ws: OpenWs, event: Event, organiser: Any, people: dict[str, Any]
) -> None:
    student = people["students"][0]
    client, _reply = await join_event(open_ws, student, event)
    await start(event, organiser)
    first = (await next_of(client, "round.started"))["data"]["pairing"]
    await client.communicator.disconnect()  # a phone in a tunnel: the clock moves on

    await next_phase(event, organiser)
    _during_break, reply = await join_event(open_ws, student, event)
    assert_state(reply["state"], status="live", round=1, phase="break")
    # The break follows round 1: its pairing stays the current one, round 2's comes next.
    assert reply["pairing"] == first
    live = await sync_to_async(reload)(event)
    assert reply["next"] == await sync_to_async(expected_pairing)(live, student, 2)
    await _during_break.communicator.disconnect()

    await next_phase(event, organiser)
    back, reply = await join_event(open_ws, student, event)
    live = await sync_to_async(reload)(event)
    assert_state(reply["state"], status="live", round=2, phase="meeting")
    assert reply["pairing"] == await sync_to_async(expected_pairing)(live, student, 2)
    assert reply["pairing"]["round"] == 2 and student.pk in member_ids(reply["pairing"])
    assert reply["pairing"]["professional"]["id"] != first["professional"]["id"]
    assert reply["next"] is None  # the last round
    # Back in the topic: the next push reaches the reconnected socket.
    await next_phase(event, organiser)
    await next_of(back, "event.ended")
