"""Opening a socket: ticket or session, origin, and the automatic user topic."""

import logging
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from realtime.models import WsTicket
from realtime.tickets import ticket_issue
from tests.realtime.conftest import OpenWs, joined_user, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def test_ticket_connects_and_joins_own_user_topic(open_ws: OpenWs, student) -> None:
    client = await open_ws(student)
    assert await client.push() == {"type": "joined", "topic": f"user:{student.pk}", "data": {}}
    reply = await client.request("join", f"user:{student.pk}")
    assert reply == {"type": "reply", "ref": "r1", "ok": True, "data": {}}


async def test_session_cookie_connects(open_ws: OpenWs, professional) -> None:
    client = await open_ws(cookie_user=professional)
    assert await client.push() == {
        "type": "joined",
        "topic": f"user:{professional.pk}",
        "data": {},
    }


async def test_ticket_is_single_use(open_ws: OpenWs, student) -> None:
    issued = await sync_to_async(ticket_issue)(user=student)
    first = await open_ws(query=f"ticket={issued.ticket}")
    assert (await first.push())["type"] == "joined"
    second = await open_ws(query=f"ticket={issued.ticket}")
    assert await second.closed_with() == 4401


async def test_expired_ticket_is_4401(open_ws: OpenWs, student) -> None:
    issued = await sync_to_async(ticket_issue)(user=student)
    now = timezone.now()
    await WsTicket.objects.aupdate(
        created_at=now - timedelta(seconds=61), expires_at=now - timedelta(seconds=1)
    )
    client = await open_ws(query=f"ticket={issued.ticket}")
    assert await client.closed_with() == 4401


@pytest.mark.parametrize("query", ["", "ticket=", "ticket=bogus", "other=1", "ticket=a&ticket=b"])
async def test_missing_or_bad_ticket_is_4401(open_ws: OpenWs, query: str) -> None:
    client = await open_ws(query=query)
    assert await client.closed_with() == 4401


async def test_bad_ticket_wins_over_a_valid_cookie(open_ws: OpenWs, student) -> None:
    client = await open_ws(query="ticket=bogus", cookie_user=student)
    assert await client.closed_with() == 4401


async def test_ticket_wins_over_the_cookie(open_ws: OpenWs, student, professional) -> None:
    issued = await sync_to_async(ticket_issue)(user=professional)
    client = await open_ws(query=f"ticket={issued.ticket}", cookie_user=student)
    assert (await client.push())["topic"] == f"user:{professional.pk}"


async def test_a_stale_session_cookie_is_4401(open_ws: OpenWs) -> None:
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"cookie", b"sessionid=doesnotexist")]
    )
    assert (await communicator.connect())[0]
    assert (await communicator.receive_output())["code"] == 4401
    await communicator.disconnect()


async def test_inactive_user_with_a_session_is_4401(open_ws: OpenWs, student) -> None:
    student.is_active = False
    await student.asave(update_fields=["is_active"])
    client = await open_ws(cookie_user=student)
    assert await client.closed_with() == 4401


async def test_a_session_from_before_a_password_change_is_4401(open_ws: OpenWs, student) -> None:
    """Changing the password signs the user out everywhere, sockets included."""
    cookie = await sync_to_async(session_cookie)(student)
    student.set_password("a-new-password-for-this-test")
    await student.asave(update_fields=["password"])
    client = await open_ws(cookie_header=cookie)
    assert await client.closed_with() == 4401


async def test_bad_origin_is_4403_and_logged(open_ws: OpenWs, student, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="realtime.auth"):
        client = await open_ws(student, origin="https://evil.example")
        assert await client.closed_with() == 4403
    assert "evil.example" in caplog.text
    # The origin check runs first: the ticket was not spent on a refused socket.
    assert await WsTicket.objects.filter(used_at__isnull=True).aexists()


async def test_allowed_origin_with_cookie_connects(open_ws: OpenWs, student) -> None:
    client = await open_ws(cookie_user=student, origin="http://localhost:8000")
    assert (await client.push())["type"] == "joined"


async def test_bad_origin_refused_even_with_a_cookie(open_ws: OpenWs, student) -> None:
    client = await open_ws(cookie_user=student, origin="http://127.0.0.1.evil.example")
    assert await client.closed_with() == 4403


async def test_two_connections_of_one_user_each_get_user_pushes(open_ws: OpenWs, student) -> None:
    from realtime.broadcast import push

    tabs = [await joined_user(open_ws, student) for _ in range(2)]
    await push(f"user:{student.pk}", "notification.new", {"id": 1})
    for tab in tabs:
        assert await tab.push() == {
            "type": "notification.new",
            "topic": f"user:{student.pk}",
            "data": {"id": 1},
        }
