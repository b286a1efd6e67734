"""Fan-out: pushes after commit only, to joined connections only, de-duplicated by seq."""

import datetime as dt
import uuid
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction
from pydantic import BaseModel

from accounts.models import User
from realtime.broadcast import evict, evict_on_commit, push, push_on_commit, push_to_channel
from tests.realtime.conftest import OpenWs, WsClient, joined_user

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


def rename_and_push(user_id: int, client: WsClient, *, fail: bool) -> bool:
    """A service-like write: the push is registered inside the transaction."""
    with transaction.atomic():
        User.objects.filter(pk=user_id).update(display_name="Renamed")
        push_on_commit(f"user:{user_id}", "profile.renamed", {"display_name": "Renamed"})
        # Still inside the transaction: nothing may have been sent yet.
        silent_inside = async_to_sync(client.silent)(0.2)
        if fail:
            raise Rollback
    return silent_inside


async def test_push_on_commit_arrives_after_commit(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    silent_inside = await sync_to_async(rename_and_push)(student.pk, client, fail=False)
    assert silent_inside
    assert await client.push() == {
        "type": "profile.renamed",
        "topic": f"user:{student.pk}",
        "data": {"display_name": "Renamed"},
    }


async def test_push_on_commit_is_dropped_on_rollback(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    with pytest.raises(Rollback):
        await sync_to_async(rename_and_push)(student.pk, client, fail=True)
    assert await client.silent(0.5)
    assert (await User.objects.aget(pk=student.pk)).display_name != "Renamed"


async def test_push_on_commit_outside_a_transaction_sends_at_once(open_ws: OpenWs, student) -> None:
    client = await joined_user(open_ws, student)
    await sync_to_async(push_on_commit)(f"user:{student.pk}", "ping.test", {"n": 1})
    assert (await client.push())["data"] == {"n": 1}


async def test_push_only_reaches_the_topic(open_ws: OpenWs, student, professional) -> None:
    mine = await joined_user(open_ws, student)
    theirs = await joined_user(open_ws, professional)
    await push(f"user:{student.pk}", "notification.new", {"for": "student"})
    assert (await mine.push())["data"] == {"for": "student"}
    assert await theirs.silent()


async def test_push_data_encoding(open_ws: OpenWs, student) -> None:
    class Note(BaseModel):
        id: uuid.UUID
        at: dt.datetime

    client = await joined_user(open_ws, student)
    note_id = uuid.uuid4()
    at = dt.datetime(2025, 3, 1, 12, 30, tzinfo=dt.UTC)
    await push(f"user:{student.pk}", "note.new", Note(id=note_id, at=at))
    await push(f"user:{student.pk}", "note.new", {"at": at, "text": "héllo"})
    assert (await client.push())["data"] == {"id": str(note_id), "at": "2025-03-01T12:30:00Z"}
    assert (await client.push())["data"] == {"at": "2025-03-01T12:30:00Z", "text": "héllo"}


@pytest.mark.parametrize(
    ("topic", "event_type", "data"),
    [
        ("user", "x.y", {}),
        ("user:1 ", "x.y", {}),
        ("user:1", "reply", {}),
        ("user:1", "joined", {}),
        ("user:1", "Bad Type", {}),
        ("user:1", "x.y", {"obj": object()}),
    ],
)
def test_push_on_commit_refuses_bad_input_at_call_time(
    topic: str, event_type: str, data: dict[str, Any]
) -> None:
    with pytest.raises(ValueError), transaction.atomic():
        push_on_commit(topic, event_type, data)


async def test_seq_floor_skips_what_the_join_history_covered(
    open_ws: OpenWs, student, probe
) -> None:
    client = await joined_user(open_ws, student)
    reply = await client.request("join", "probe:7", {"last_seq": 5})
    assert reply["data"] == {"history": [], "from": 5}
    for seq in (4, 5, 6):
        await push("probe:7", "probe.message", {"seq": seq}, seq=seq)
    await push("probe:7", "probe.presence", {"unsequenced": True})
    assert (await client.push())["data"] == {"seq": 6}
    assert (await client.push())["data"] == {"unsequenced": True}
    assert await client.silent()


async def test_pushes_stop_after_leave(open_ws: OpenWs, student, probe) -> None:
    client = await joined_user(open_ws, student)
    await client.request("join", "probe:1")
    await client.request("leave", "probe:1")
    await push("probe:1", "probe.event", {})
    assert await client.silent()


async def test_evict_one_user(open_ws: OpenWs, student, professional, probe) -> None:
    evicted = await joined_user(open_ws, student)
    stays = await joined_user(open_ws, professional)
    await evicted.request("join", "probe:1")
    await stays.request("join", "probe:1")
    await sync_to_async(evict_on_commit)("probe:1", user_id=student.pk, reason="removed")
    assert await evicted.push() == {
        "type": "left",
        "topic": "probe:1",
        "data": {"reason": "removed"},
    }
    assert probe.leaves[-1][1:] == ("probe:1", "evicted")
    await push("probe:1", "probe.event", {})
    assert (await stays.push())["type"] == "probe.event"
    assert await evicted.silent()
    # Evicted is not banned: the handler decides whether a new join is allowed.
    assert (await evicted.request("join", "probe:1"))["ok"] is True


async def test_evict_everyone(open_ws: OpenWs, student, professional, probe) -> None:
    clients = [await joined_user(open_ws, user) for user in (student, professional)]
    for client in clients:
        await client.request("join", "probe:1")
    await evict("probe:1", reason="ended")
    for client in clients:
        assert (await client.push())["type"] == "left"


async def test_push_to_one_channel(open_ws: OpenWs, student, professional, probe) -> None:
    target = await joined_user(open_ws, student)
    other = await joined_user(open_ws, professional)
    for client in (target, other):
        await client.request("join", "probe:1")
    channel = (await target.request("probe.state", "probe:1"))["data"]["channel"]
    await push_to_channel(channel, "probe:1", "signal", {"kind": "offer"})
    assert await target.push() == {"type": "signal", "topic": "probe:1", "data": {"kind": "offer"}}
    assert await other.silent()
    # Not relayed for a topic the connection has left.
    await target.request("leave", "probe:1")
    await push_to_channel(channel, "probe:1", "signal", {"kind": "bye"})
    assert await target.silent()


async def test_push_each_gives_every_member_their_own_data(
    open_ws: OpenWs, student, professional, make_user, probe
) -> None:
    """One group message, three readers: two users with their own data, one with the rest's."""
    from realtime.broadcast import push_each_on_commit

    onlooker = await sync_to_async(make_user)(role="organiser")
    clients = {}
    for user in (student, professional, onlooker):
        client = await joined_user(open_ws, user)
        assert (await client.request("join", "probe:9"))["type"] == "reply"
        clients[user.pk] = client
    await sync_to_async(push_each_on_commit)(
        "probe:9",
        "round.started",
        {"pairing": None},
        {student.pk: {"pairing": "table 1"}, professional.pk: {"pairing": "table 2"}},
    )
    assert (await clients[student.pk].push())["data"] == {"pairing": "table 1"}
    assert (await clients[professional.pk].push())["data"] == {"pairing": "table 2"}
    assert (await clients[onlooker.pk].push()) == {
        "type": "round.started",
        "topic": "probe:9",
        "data": {"pairing": None},
    }
