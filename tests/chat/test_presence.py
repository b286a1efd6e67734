"""Presence ("online now") through the gateway: counts per user, pushes to partners."""

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache

from chat import presence_store
from tests.chat.conftest import empty_conversation
from tests.realtime.conftest import OpenWs, WsClient, joined_user

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_grace(settings: Any) -> None:
    settings.CHAT_PRESENCE_GRACE_SECONDS = 0


@pytest.fixture
async def dm(student: Any, professional: Any) -> Any:
    return await sync_to_async(empty_conversation)(student, professional)


async def online_push(client: WsClient, timeout: float = 3) -> dict[str, Any]:
    message = await client.push(timeout)
    assert message["type"] == "online", message
    return message


@pytest.mark.usefixtures("no_grace")
async def test_partners_see_first_connection_and_last_disconnection(
    open_ws: OpenWs, student: Any, professional: Any, make_user: Any, dm: Any
) -> None:
    stranger = await sync_to_async(make_user)(username="stranger")
    bob = await joined_user(open_ws, professional)
    outsider = await joined_user(open_ws, stranger)
    joined = await bob.request("join", dm.topic)
    online = {m["id"]: m["online"] for m in joined["data"]["members"]}
    assert online == {student.pk: False, professional.pk: True}

    first_tab = await joined_user(open_ws, student)
    came = await online_push(bob)
    assert came == {
        "type": "online",
        "topic": f"user:{professional.pk}",
        "data": {"user_id": student.pk, "online": True},
    }
    second_tab = await joined_user(open_ws, student)
    assert await bob.silent()  # a second tab is not news
    joined = await bob.request("join", dm.topic)
    assert {m["id"]: m["online"] for m in joined["data"]["members"]}[student.pk] is True

    await first_tab.communicator.disconnect()
    assert await bob.silent()  # one tab is still open
    await second_tab.communicator.disconnect()
    gone = await online_push(bob)
    assert gone["data"] == {"user_id": student.pk, "online": False}
    assert await outsider.silent()  # not a partner: told nothing
    assert await sync_to_async(presence_store.online_user_ids)([student.pk]) == set()


async def test_a_reload_within_the_grace_period_is_not_announced(
    open_ws: OpenWs, settings: Any, student: Any, professional: Any, dm: Any
) -> None:
    settings.CHAT_PRESENCE_GRACE_SECONDS = 0.5
    bob = await joined_user(open_ws, professional)
    page = await joined_user(open_ws, student)
    assert (await online_push(bob))["data"]["online"] is True
    await page.communicator.disconnect()
    await joined_user(open_ws, student)  # the next page of the same user
    assert await bob.silent(1.0)


async def test_inbox_api_shows_who_is_online(
    open_ws: OpenWs, api_client: Any, student: Any, professional: Any, dm: Any
) -> None:
    await joined_user(open_ws, professional)
    await sync_to_async(api_client.force_authenticate)(student)
    response = await sync_to_async(api_client.get)("/api/conversations/")
    members = response.json()["results"][0]["members"]
    assert [(m["id"], m["online"]) for m in members] == [(professional.pk, True)]


def test_counts_never_go_negative_and_refresh_repairs_a_lost_key() -> None:
    assert presence_store.presence_add(user_id=7) == 1
    assert presence_store.presence_add(user_id=7) == 2
    assert presence_store.presence_remove(user_id=7) == 1
    assert presence_store.presence_remove(user_id=7) == 0
    assert presence_store.presence_remove(user_id=7) == 0  # a stale close after expiry
    assert presence_store.online_user_ids([7]) == set()
    presence_store.presence_add(user_id=8)
    cache.delete("chat-presence:8")  # Redis restarted: the count is gone
    presence_store.presence_refresh(user_id=8)
    assert presence_store.online_user_ids([7, 8]) == {8}


async def test_the_process_refresher_restores_a_count_the_cache_lost(
    open_ws: OpenWs, student: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One refresher task per process keeps every open connection counted: after the cache
    loses the key (a Redis restart), the user is online again within one refresh."""
    from chat import presence

    monkeypatch.setattr(presence, "PRESENCE_REFRESH", 0.05)
    monkeypatch.setattr(presence, "_refresher", None)  # start one with the short period
    tab = await joined_user(open_ws, student)
    assert await sync_to_async(presence_store.online_user_ids)([student.pk]) == {student.pk}
    await sync_to_async(cache.delete)(f"chat-presence:{student.pk}")
    assert await sync_to_async(presence_store.online_user_ids)([student.pk]) == set()
    assert await tab.silent(0.3)  # a few refresh periods
    assert await sync_to_async(presence_store.online_user_ids)([student.pk]) == {student.pk}
    await tab.communicator.disconnect()
    assert await sync_to_async(presence_store.online_user_ids)([student.pk]) == set()
