"""Sessions end everywhere: an open socket closes when its account is deactivated (4403), when
the session it was opened under logs out or the password changes (4401), in whichever server
process it lives, and, through each socket's periodic re-check, when the database changed
without a signal (a raw UPDATE, a deleted session or token)."""

import asyncio
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.forms import BaseForm, CheckboxInput, MultiWidget
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from accounts.models import User
from realtime.models import WsTicket
from realtime.tickets import ticket_issue
from tests.chat.test_live import PrivateRedis
from tests.conftest import LiveDaphne, start_daphne, stop_daphne
from tests.factories import UserFactory
from tests.realtime.conftest import OpenWs, WsClient

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


class Browser:
    """A signed-in browser session of `user`: its cookie, and requests made with it."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.client.force_login(user)
        name = django_settings.SESSION_COOKIE_NAME
        self.session_key: str = self.client.cookies[name].value
        self.cookie = f"{name}={self.session_key}"

    def ticket(self) -> str:
        """A ticket asked for by a page of this session (POST /api/ws-ticket/)."""
        response = self.client.post("/api/ws-ticket/")
        assert response.status_code == 200, response.content
        ticket: str = response.json()["ticket"]
        return ticket

    def post(self, path: str) -> int:
        return self.client.post(path).status_code


def token_ticket(user: User) -> tuple[str, Token]:
    """A ticket asked for with the user's API token, and the token."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post("/api/ws-ticket/")
    assert response.status_code == 200, response.content
    return response.json()["ticket"], token


async def opened(open_ws: OpenWs, user: User, **how: Any) -> WsClient:
    """A socket opened as told (a ticket: `query=`, a cookie: `cookie_header=`), its user topic
    joined, shown to send and receive."""
    client = await open_ws(**how)
    assert (await client.push())["topic"] == f"user:{user.pk}"
    await assert_alive(client, user)
    return client


async def assert_alive(client: WsClient, user: User) -> None:
    reply = await client.request("join", f"user:{user.pk}")
    assert reply["ok"] is True, reply


def save(user: User, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(update_fields=list(fields))


# --- close orders, in one process ---------------------------------------------------------------


async def test_deactivation_closes_every_socket_of_the_account_4403(
    open_ws: OpenWs, student: User, professional: User
) -> None:
    browser = await sync_to_async(Browser)(student)
    by_cookie = await opened(open_ws, student, cookie_header=browser.cookie)
    by_ticket = await opened(
        open_ws, student, query=f"ticket={await sync_to_async(browser.ticket)()}"
    )
    bystander = await opened(open_ws, professional, cookie_user=professional)

    await sync_to_async(save)(student, is_active=False)

    assert await by_cookie.closed_with() == 4403
    assert await by_ticket.closed_with() == 4403
    await assert_alive(bystander, professional)


def admin_deactivate(user: User) -> None:
    """Untick "active" on the admin's change form of `user` and save it, as staff would."""
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = reverse("admin:profiles_user_change", args=[user.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.context["adminform"].form)
    del data["is_active"]  # an unticked box is not sent
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def form_data(form: BaseForm) -> dict[str, Any]:
    """What a browser posts back for a form as it was rendered."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value, widget = form[name].value(), field.widget
        if isinstance(widget, MultiWidget):
            parts = widget.decompress(value) or [None] * len(widget.widgets)
            for index, (part, sub) in enumerate(zip(parts, widget.widgets, strict=True)):
                data[f"{name}_{index}"] = sub.format_value(part) or ""
        elif isinstance(widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = str(value)
    return data


async def test_deactivation_in_the_admin_closes_the_socket_4403(
    open_ws: OpenWs, student: User
) -> None:
    client = await opened(open_ws, student, query=f"ticket={await new_ticket(student)}")
    await sync_to_async(admin_deactivate)(student)
    assert await client.closed_with() == 4403
    assert not await User.objects.filter(pk=student.pk, is_active=True).aexists()


async def new_ticket(user: User) -> str:
    return (await sync_to_async(ticket_issue)(user=user)).ticket


async def test_saves_that_end_nothing_close_nothing(open_ws: OpenWs, student: User) -> None:
    client = await opened(open_ws, student, query=f"ticket={await new_ticket(student)}")

    def saves() -> None:
        save(student, display_name="Another name")
        student.save()  # every field, none changed
        with pytest.raises(RuntimeError), transaction.atomic():
            save(student, is_active=False)
            raise RuntimeError("rolled back: the account stays active")
        student.is_active = True

    await sync_to_async(saves)()
    assert await client.silent(0.5)
    await assert_alive(client, student)
    # What does close it, to show the socket could have been closed.
    await sync_to_async(save)(student, is_active=False)
    assert await client.closed_with() == 4403


@pytest.mark.parametrize("logout", ["/api/auth/logout/", "frontend:logout"])
async def test_logout_closes_the_sockets_of_that_session_only(
    open_ws: OpenWs, student: User, logout: str
) -> None:
    leaving = await sync_to_async(Browser)(student)
    staying = await sync_to_async(Browser)(student)
    by_cookie = await opened(open_ws, student, cookie_header=leaving.cookie)
    by_ticket = await opened(
        open_ws, student, query=f"ticket={await sync_to_async(leaving.ticket)()}"
    )
    other_session = await opened(open_ws, student, cookie_header=staying.cookie)
    other_ticket = await opened(
        open_ws, student, query=f"ticket={await sync_to_async(staying.ticket)()}"
    )
    ticket, _token = await sync_to_async(token_ticket)(student)
    by_token = await opened(open_ws, student, query=f"ticket={ticket}")

    path = logout if logout.startswith("/") else reverse(logout)
    assert await sync_to_async(leaving.post)(path) in (204, 302)

    assert await by_cookie.closed_with() == 4401
    assert await by_ticket.closed_with() == 4401
    for client in (other_session, other_ticket, by_token):
        await assert_alive(client, student)


async def test_password_change_closes_every_socket_4401(open_ws: OpenWs, student: User) -> None:
    browser = await sync_to_async(Browser)(student)
    by_cookie = await opened(open_ws, student, cookie_header=browser.cookie)
    ticket, _token = await sync_to_async(token_ticket)(student)
    by_token = await opened(open_ws, student, query=f"ticket={ticket}")

    def change_password() -> None:
        student.set_password("a-brand-new-passphrase")
        student.save()

    await sync_to_async(change_password)()
    assert await by_cookie.closed_with() == 4401
    assert await by_token.closed_with() == 4401
    # The token still opens a socket (its client signs in again); the old session does not.
    ticket, _token = await sync_to_async(token_ticket)(student)
    await opened(open_ws, student, query=f"ticket={ticket}")
    assert await (await open_ws(cookie_header=browser.cookie)).closed_with() == 4401


async def test_a_closed_account_cannot_come_back(open_ws: OpenWs, student: User) -> None:
    browser = await sync_to_async(Browser)(student)
    client = await opened(open_ws, student, cookie_header=browser.cookie)
    spare_ticket = await new_ticket(student)
    token_client = APIClient()
    token, _created = await Token.objects.aget_or_create(user=student)
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    await sync_to_async(save)(student, is_active=False)
    assert await client.closed_with() == 4403

    # Frames on the closed socket are not answered: it re-joins nothing.
    await client.send({"type": "join", "topic": f"user:{student.pk}", "ref": "again"})
    assert await client.silent()
    # Neither its session, nor a ticket it got before, nor its token opens a new one.
    assert await (await open_ws(cookie_header=browser.cookie)).closed_with() == 4401
    assert await (await open_ws(query=f"ticket={spare_ticket}")).closed_with() == 4401
    refused = await sync_to_async(token_client.post)("/api/ws-ticket/")
    assert refused.status_code in (401, 403)


# --- the periodic re-check ----------------------------------------------------------------------


def _raw_deactivate(user: User, browser: "Browser", token: Token) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def _raw_password(user: User, browser: "Browser", token: Token) -> None:
    User.objects.filter(pk=user.pk).update(password=make_password("changed-behind-its-back"))


def _delete_session(user: User, browser: "Browser", token: Token) -> None:
    Session.objects.filter(session_key=browser.session_key).delete()


def _delete_token(user: User, browser: "Browser", token: Token) -> None:
    Token.objects.filter(pk=token.pk).delete()


def _delete_account(user: User, browser: "Browser", token: Token) -> None:
    User.objects.filter(pk=user.pk).delete()


@pytest.mark.parametrize(
    ("change", "by_session", "by_token"),
    [
        (_raw_deactivate, 4403, 4403),
        (_raw_password, 4401, 4401),
        (_delete_session, 4401, None),
        (_delete_token, None, 4401),
        (_delete_account, 4401, 4401),
    ],
    ids=["raw-deactivation", "raw-password", "session-deleted", "token-deleted", "deleted"],
)
async def test_the_recheck_catches_what_no_signal_announced(
    open_ws: OpenWs,
    student: User,
    settings: Any,
    change: Any,
    by_session: int | None,
    by_token: int | None,
) -> None:
    settings.WS_SESSION_RECHECK_SECONDS = 0.1
    browser = await sync_to_async(Browser)(student)
    ticket, token = await sync_to_async(token_ticket)(student)
    sockets = {
        "cookie": (await opened(open_ws, student, cookie_header=browser.cookie), by_session),
        "session ticket": (
            await opened(open_ws, student, query=f"ticket={await sync_to_async(browser.ticket)()}"),
            by_session,
        ),
        "token ticket": (await opened(open_ws, student, query=f"ticket={ticket}"), by_token),
    }
    await asyncio.sleep(0.5)  # several re-checks with nothing changed: all stay open
    for client, _code in sockets.values():
        await assert_alive(client, student)

    await sync_to_async(change)(student, browser, token)

    for name, (client, code) in sockets.items():
        if code is not None:
            assert await client.closed_with() == code, name
    await asyncio.sleep(0.5)
    for client, code in sockets.values():
        if code is None:
            await assert_alive(client, student)


def test_the_recheck_is_one_query(student: User, django_assert_num_queries: Any) -> None:
    from realtime.sessions import SocketAuth, socket_auth_check

    browser = Browser(student)
    token = Token.objects.create(user=student)
    for auth in (
        SocketAuth(),
        SocketAuth(session_key=browser.session_key),
        SocketAuth(token_key=token.key),
    ):
        with django_assert_num_queries(1):
            assert (
                socket_auth_check(user_id=student.pk, password=student.password, auth=auth) is None
            )
    with django_assert_num_queries(1):
        code = socket_auth_check(
            user_id=student.pk, password="not-it", auth=SocketAuth(token_key=token.key)
        )
    assert code == 4401


def test_a_ticket_keeps_its_session_sealed(student: User) -> None:
    """The socket must know the session behind its ticket, yet the table still grants nothing."""
    from realtime.tickets import ticket_claim

    browser = Browser(student)
    ticket = browser.ticket()
    row = WsTicket.objects.get()
    assert browser.session_key not in row.sealed_credential
    assert browser.session_key.encode().hex() not in row.sealed_credential
    claimed = ticket_claim(ticket=ticket)
    assert claimed is not None
    assert (claimed.user, claimed.session_key, claimed.token_key) == (
        student,
        browser.session_key,
        None,
    )


# --- across server processes ---------------------------------------------------------------------


async def recv(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    """The next frame that is not a ping (pings are answered)."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] != "ping":
            return message
        await ws.send(json.dumps({"type": "pong"}))


async def live_socket(
    live: LiveDaphne, user: User, *, ticket: str | None = None, cookie: str | None = None
) -> ClientConnection:
    """A socket on `live`, its user topic joined, shown to send and receive."""
    url = f"{live.ws_url}?ticket={ticket}" if ticket else live.ws_url
    ws = await connect(url, additional_headers={"Cookie": cookie} if cookie else None)
    assert (await recv(ws))["topic"] == f"user:{user.pk}"
    await live_alive(ws, user)
    return ws


async def live_alive(ws: ClientConnection, user: User) -> None:
    ref = uuid.uuid4().hex[:8]
    await ws.send(json.dumps({"type": "join", "topic": f"user:{user.pk}", "ref": ref}))
    reply = await recv(ws)
    assert (reply["type"], reply["ref"], reply["ok"]) == ("reply", ref, True), reply


async def live_closed_with(ws: ClientConnection, timeout: float = 10) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            message = await recv(ws, timeout)
            assert message["type"] != "reply", message
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


@pytest.fixture
def two_servers(
    transactional_db: None, tmp_path: Path, settings: Any
) -> Iterator[tuple[LiveDaphne, LiveDaphne]]:
    """Two daphne processes sharing a private Redis; this test process publishes there too.
    Their re-check is an hour away: what closes a socket here is a close order."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    redis = PrivateRedis(tmp_path)
    redis.start()
    prefix = f"sessions-{uuid.uuid4().hex[:8]}"
    env = {
        "REDIS_URL": redis.url,
        "CHANNEL_LAYER_PREFIX": prefix,
        "WS_SESSION_RECHECK_SECONDS": "3600",
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": redis.url}], "prefix": prefix},
        }
    }
    first = start_daphne(tmp_path, env)
    second = start_daphne(tmp_path, env)
    yield first, second
    stop_daphne(first)
    stop_daphne(second)
    redis.stop()


def _deactivate(user: User) -> None:
    save(user, is_active=False)


def _change_password(user: User) -> None:
    user.set_password("a-brand-new-passphrase")
    user.save(update_fields=["password"])


@pytest.mark.live
@pytest.mark.parametrize(("change", "code"), [(_deactivate, 4403), (_change_password, 4401)])
async def test_a_change_elsewhere_closes_sockets_on_every_process(
    two_servers: tuple[LiveDaphne, LiveDaphne],
    student: User,
    professional: User,
    change: Any,
    code: int,
) -> None:
    first, second = two_servers
    on_first = await live_socket(first, student, ticket=await new_ticket(student))
    on_second = await live_socket(second, student, ticket=await new_ticket(student))
    bystander = await live_socket(first, professional, ticket=await new_ticket(professional))

    await sync_to_async(change)(student)  # in this process: the order goes through Redis

    assert await live_closed_with(on_first) == code
    assert await live_closed_with(on_second) == code
    await live_alive(bystander, professional)
    await bystander.close()


@pytest.mark.live
async def test_logout_on_one_process_closes_that_sessions_socket_on_the_other(
    two_servers: tuple[LiveDaphne, LiveDaphne], student: User
) -> None:
    first, second = two_servers
    leaving = await sync_to_async(Browser)(student)
    staying = await sync_to_async(Browser)(student)
    closing = await live_socket(first, student, cookie=leaving.cookie)
    kept = await live_socket(first, student, cookie=staying.cookie)

    csrf = "c" * 32  # what a page echoes from its CSRF cookie
    async with httpx.AsyncClient(base_url=second.http_url) as http:
        response = await http.post(
            "/api/auth/logout/",
            headers={"Cookie": f"{leaving.cookie}; csrftoken={csrf}", "X-CSRFToken": csrf},
        )
    assert response.status_code == 204, response.text

    assert await live_closed_with(closing) == 4401
    await live_alive(kept, student)
    await kept.close()


@pytest.fixture
def rechecking_server(transactional_db: None, tmp_path: Path) -> Iterator[LiveDaphne]:
    live = start_daphne(tmp_path, {"WS_SESSION_RECHECK_SECONDS": "0.2"})
    yield live
    stop_daphne(live)


@pytest.mark.live
async def test_a_raw_update_is_caught_by_the_recheck_of_a_live_server(
    rechecking_server: LiveDaphne, student: User
) -> None:
    ws = await live_socket(rechecking_server, student, ticket=await new_ticket(student))
    await asyncio.sleep(1)  # re-checks pass while nothing changed
    await live_alive(ws, student)

    await User.objects.filter(pk=student.pk).aupdate(is_active=False)  # no signal

    assert await live_closed_with(ws) == 4403
