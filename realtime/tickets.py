"""WebSocket tickets: how a client without a session cookie authenticates its socket."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from realtime.models import WsTicket

# Longer input cannot be a ticket (token_urlsafe(32) is 43 characters): no need to hash it.
MAX_TICKET_LENGTH = 128
_SESSION, _TOKEN = "session:", "token:"


@dataclass(frozen=True)
class IssuedTicket:
    ticket: str
    expires_in: int


@dataclass(frozen=True)
class ClaimedTicket:
    """A redeemed ticket: its user, and the session or API token of the request that asked
    for it (None when the server issued it itself)."""

    user: User
    session_key: str | None = None
    token_key: str | None = None


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def _seal(ticket: str, data: bytes) -> bytes:
    """XOR `data` with a pad drawn from the ticket (and back again): only the holder of the
    ticket reads it, while the table keeps only the ticket's hash."""
    pad = hashlib.shake_256(b"backstage.ws-ticket.credential:" + ticket.encode()).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def ticket_issue(
    *, user: User, session_key: str | None = None, token_key: str | None = None
) -> IssuedTicket:
    """Make a ticket that lets `user` open one WebSocket within WS_TICKET_TTL_SECONDS.

    `session_key` or `token_key`: the credential of the request that asks for it; the socket
    lives no longer than that session or token (realtime.sessions). Only the ticket's hash is
    stored, and the credential sealed under the ticket: a leaked table grants nothing.
    Expired tickets are deleted on the way (one indexed DELETE), so the table holds at most a
    TTL's worth of tickets.
    """
    now = timezone.now()
    ttl = int(settings.WS_TICKET_TTL_SECONDS)
    WsTicket.objects.filter(expires_at__lte=now).delete()
    ticket = secrets.token_urlsafe(32)
    credential = ""
    if session_key:
        credential = _SESSION + session_key
    elif token_key:
        credential = _TOKEN + token_key
    WsTicket.objects.create(
        token_hash=_digest(ticket),
        sealed_credential=_seal(ticket, credential.encode()).hex(),
        user=user,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )
    return IssuedTicket(ticket=ticket, expires_in=ttl)


def ticket_claim(*, ticket: str) -> ClaimedTicket | None:
    """What a valid ticket was issued for (its user active), or None.

    Single use even under concurrency: one conditional UPDATE (unused and unexpired) marks
    the ticket used, and only the caller whose UPDATE changed the row gets the user. An
    unknown, used, expired or malformed ticket, or an inactive user, gives None.
    """
    if not ticket or len(ticket) > MAX_TICKET_LENGTH:
        return None
    digest = _digest(ticket)
    now = timezone.now()
    claimed = WsTicket.objects.filter(
        token_hash=digest, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        return None
    row = (
        WsTicket.objects.filter(token_hash=digest, user__is_active=True)
        .select_related("user")
        .first()
    )
    if row is None:
        return None
    credential = _seal(ticket, bytes.fromhex(row.sealed_credential)).decode()
    return ClaimedTicket(
        user=row.user,
        session_key=credential.removeprefix(_SESSION) if credential.startswith(_SESSION) else None,
        token_key=credential.removeprefix(_TOKEN) if credential.startswith(_TOKEN) else None,
    )


def ticket_redeem(*, ticket: str) -> User | None:
    """The active user a valid ticket was issued to, or None (see `ticket_claim`)."""
    claimed = ticket_claim(ticket=ticket)
    return claimed.user if claimed is not None else None
