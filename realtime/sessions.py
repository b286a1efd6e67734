"""Sessions end everywhere: a socket does not outlive the account, session or token behind it.

REST checks its caller on every request; a socket is authenticated once, when it opens. So
every connection, for its whole life:
- is a member of its user's control group (`gw.user.<id>`, not a topic: a client cannot leave
  it), where `user_connections_close` publishes a close order that every server process carries
  out for its own connections of the user;
- re-checks, every WS_SESSION_RECHECK_SECONDS in one query on the database thread, that its
  account is active, its password unchanged, and the session or API token it was opened with
  still there: what no signal announces (a raw UPDATE, a session deleted from the database, a
  deleted token) ends it within that time.

Close orders go out after commit, from the receivers `connect_signals` connects (in
RealtimeConfig.ready: accounts knows nothing of the gateway): 4403 when a save deactivates an
account (the admin's included), 4401 when a session logs out (its sockets only) and when a save
changes the password (every socket). Safeguarding's suspension calls `user_connections_close`.
"""

import asyncio
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.backends.signed_cookies import SessionStore as CookieSessionStore
from django.db.models import Exists
from django.db.models.signals import post_init, post_save
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from realtime.broadcast import group_send_on_commit
from realtime.db import database_sync_to_async
from realtime.errors import CloseCode
from realtime.hub import CLOSE_MESSAGE, publish

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SocketAuth:
    """What a socket was opened with besides its user: a session (its cookie, or the session
    of the request that asked for its ticket) or the API token that asked for its ticket.
    Neither for a ticket the server issued itself."""

    session_key: str | None = None
    token_key: str | None = None


def user_group(user_id: int) -> str:
    """The channel-layer group every connection of `user_id` is a member of."""
    return f"gw.user.{user_id}"


def _session_digest(session_key: str) -> str:
    # Close orders name a session by its digest: the key itself never travels through Redis.
    return hashlib.sha256(session_key.encode()).hexdigest()


def _close_order(user_id: int, code: int, session_key: str | None) -> tuple[str, dict[str, Any]]:
    group = user_group(user_id)
    return group, {
        "type": CLOSE_MESSAGE,
        "group": group,
        "user_id": user_id,
        "code": int(code),
        "session": _session_digest(session_key) if session_key else None,
    }


def user_connections_close(
    user_id: int, code: int, *, session_key: str | None = None, using: str | None = None
) -> None:
    """Close every live gateway connection of `user_id`, in every server process, with `code`
    (CloseCode.ACCOUNT_DISABLED for a deactivated or suspended account, UNAUTHORIZED once
    signed out); with `session_key`, only those opened under that session.

    Sent after the current transaction commits (at once outside one; nothing if it rolls
    back). A channel-layer failure is logged, never raised; the periodic re-check of each
    connection still ends it within WS_SESSION_RECHECK_SECONDS when the account's state
    changed in the database.
    """
    group, message = _close_order(user_id, code, session_key)
    group_send_on_commit(group, message, using=using)


async def auser_connections_close(
    user_id: int, code: int, *, session_key: str | None = None
) -> None:
    """`user_connections_close` for async code that holds no transaction: sends now, and
    channel-layer errors propagate."""
    group, message = _close_order(user_id, code, session_key)
    await publish(group, message)


# --- the periodic re-check ---------------------------------------------------------------------


def _session_alive(session_key: str) -> Exists | bool:
    """A subquery telling whether the session is still stored and unexpired (database-backed
    sessions), or the answer itself for other engines."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if issubclass(store_class, DatabaseSessionStore):
        sessions = store_class.get_model_class().objects
        return Exists(sessions.filter(session_key=session_key, expire_date__gt=timezone.now()))
    if issubclass(store_class, CookieSessionStore):
        return True  # the session lives in the cookie: the server cannot end it
    return bool(store_class().exists(session_key))


def socket_auth_check(*, user_id: int, password: str, auth: SocketAuth) -> CloseCode | None:
    """None while a socket of `user_id`, opened when the password hash was `password`, may stay
    open; else the code to close it with: ACCOUNT_DISABLED for an inactive account,
    UNAUTHORIZED for a deleted one, a changed password, or a session or token that is gone.

    One query (database-backed sessions; a cache-backed session costs its cache lookup).
    """
    alive: dict[str, Exists] = {}
    session_alive: bool = True
    if auth.session_key is not None:
        found = _session_alive(auth.session_key)
        if isinstance(found, Exists):
            alive["session_alive"] = found
        else:
            session_alive = found
    if auth.token_key is not None:
        alive["token_alive"] = Exists(Token.objects.filter(key=auth.token_key, user_id=user_id))
    row = (
        User.objects.filter(pk=user_id)
        .annotate(**alive)
        .values("is_active", "password", *alive)
        .first()
    )
    if row is None:
        return CloseCode.UNAUTHORIZED
    if not row["is_active"]:
        return CloseCode.ACCOUNT_DISABLED
    if row["password"] != password or not session_alive or not all(row[key] for key in alive):
        return CloseCode.UNAUTHORIZED
    return None


class SessionGuard:
    """Ends one connection when what opened it ends: a close order for its user (and its
    session), or a failed re-check. `close(code)` runs on the event loop and must not block."""

    __slots__ = (
        "_auth",
        "_close",
        "_interval",
        "_password",
        "_session",
        "_stopped",
        "_task",
        "_timer",
        "_user_id",
        "group",
    )

    def __init__(
        self, *, user: User, auth: SocketAuth, interval: float, close: Callable[[int], None]
    ) -> None:
        self.group = user_group(user.pk)
        self._user_id: int = user.pk
        self._password = user.password
        self._auth = auth
        self._session = _session_digest(auth.session_key) if auth.session_key else None
        self._interval = interval
        self._close = close
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    def order(self, message: dict[str, Any]) -> int | None:
        """The close code of a close order meant for this connection, else None."""
        if message.get("user_id") != self._user_id:
            return None
        session = message.get("session")
        if session is not None and session != self._session:
            return None
        return int(message["code"])

    def start(self) -> None:
        """Arm the re-check. The first one comes at a random point of the first interval, so
        sockets opened together (after a restart) do not re-check together."""
        if not self._stopped:
            self._arm(self._interval * random.uniform(0.5, 1.0))  # noqa: S311  (jitter)

    def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm(self, delay: float) -> None:
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if not self._stopped:
            self._task = asyncio.ensure_future(self._recheck())

    async def _recheck(self) -> None:
        try:
            code = await database_sync_to_async(socket_auth_check)(
                user_id=self._user_id, password=self._password, auth=self._auth
            )
        except Exception:  # the database is away: keep the socket, try again next time
            logger.exception("re-checking the session of user %s failed", self._user_id)
            code = None
        self._task = None
        if self._stopped:
            return
        if code is not None:
            self._stopped = True
            self._close(code)
            return
        self._arm(self._interval)


# --- signals: who sends the close orders --------------------------------------------------------

# Saved on each user instance: the password hash as loaded (unknown when the query deferred
# it), so that a save can tell whether it changed the password.
_LOADED_HASH = "_realtime_loaded_hash"
_UNKNOWN = object()


def _remember_password(instance: User) -> None:
    fields = instance.__dict__  # never the attribute: a deferred field would load itself
    fields[_LOADED_HASH] = fields.get("password", _UNKNOWN)


def _user_initialised(sender: type[User], instance: User, **kwargs: Any) -> None:
    _remember_password(instance)


def _user_saved(
    sender: type[User],
    instance: User,
    created: bool,
    update_fields: frozenset[str] | None,
    raw: bool,
    using: str,
    **kwargs: Any,
) -> None:
    old_password = instance.__dict__.get(_LOADED_HASH, _UNKNOWN)
    _remember_password(instance)
    if created or raw:
        return
    if (update_fields is None or "is_active" in update_fields) and not instance.is_active:
        # On every save that stores it inactive, not only on the change: an inactive account
        # has no sockets left to close, and an instance gone stale (its earlier save rolled
        # back) cannot hide a deactivation.
        user_connections_close(instance.pk, CloseCode.ACCOUNT_DISABLED, using=using)
        return
    password_saved = update_fields is None or "password" in update_fields
    if password_saved and instance.password != old_password:
        user_connections_close(instance.pk, CloseCode.UNAUTHORIZED, using=using)


def _user_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Sent before the session is flushed, so its key is still there.
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if isinstance(user, User) and session_key:
        user_connections_close(user.pk, CloseCode.UNAUTHORIZED, session_key=session_key)


def connect_signals() -> None:
    """Send close orders on deactivation, logout and password change (RealtimeConfig.ready)."""
    post_init.connect(_user_initialised, sender=User, dispatch_uid="realtime.sessions.init")
    post_save.connect(_user_saved, sender=User, dispatch_uid="realtime.sessions.save")
    user_logged_out.connect(_user_logged_out, dispatch_uid="realtime.sessions.logout")
