"""Presence across two real daphne processes sharing a private Redis: a user's tabs on both
processes count as one presence, announced to the partner on the other process."""

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.chat import test_live
from tests.chat.conftest import empty_conversation
from tests.chat.test_live import Client, PrivateRedis, open_client
from tests.conftest import LiveDaphne

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]

two_daphnes = test_live.two_daphnes  # the fixture: two daphne processes and a private Redis
GRACE = 0.5  # CHAT_PRESENCE_GRACE_SECONDS of the daphne processes (see two_daphnes)


async def next_online(client: Client, timeout: float) -> dict[str, Any] | None:
    """The next `online` push within `timeout` seconds, or None."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := deadline - loop.time()) > 0:
        try:
            message = await client.recv(left)
        except TimeoutError:
            return None
        if message["type"] == "online":
            return message
    return None


async def test_presence_across_two_processes(
    two_daphnes: tuple[LiveDaphne, LiveDaphne, PrivateRedis],
    student: Any,
    professional: Any,
) -> None:
    first, second, _redis = two_daphnes
    dm = await sync_to_async(empty_conversation)(student, professional)
    bob = await open_client(second, professional)

    tab_one = await open_client(first, student)
    came = await next_online(bob, 5)
    assert came is not None and came["topic"] == f"user:{professional.pk}"
    assert came["data"] == {"user_id": student.pk, "online": True}
    tab_two = await open_client(second, student)
    joined = await bob.request("join", dm.topic)
    assert {m["id"]: m["online"] for m in joined["data"]["members"]} == {
        student.pk: True,
        professional.pk: True,
    }

    # The tab on the first process closes; the one on the second keeps the user online.
    await tab_one.ws.close()
    assert await next_online(bob, GRACE + 1.5) is None
    await tab_two.ws.close()
    gone = await next_online(bob, GRACE + 5)
    assert gone is not None and gone["data"] == {"user_id": student.pk, "online": False}
    joined = await bob.request("join", dm.topic)
    assert {m["id"]: m["online"] for m in joined["data"]["members"]}[student.pk] is False
    await bob.ws.close()
