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


@dataclass(frozen=True)
class IssuedTicket:
    ticket: str
    expires_in: int


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def ticket_issue(*, user: User) -> IssuedTicket:
    """Make a ticket that lets `user` open one WebSocket within WS_TICKET_TTL_SECONDS.

    Only its hash is stored. Expired tickets are deleted on the way (one indexed DELETE), so
    the table holds at most a TTL's worth of tickets.
    """
    now = timezone.now()
    ttl = int(settings.WS_TICKET_TTL_SECONDS)
    WsTicket.objects.filter(expires_at__lte=now).delete()
    ticket = secrets.token_urlsafe(32)
    WsTicket.objects.create(
        token_hash=_digest(ticket),
        user=user,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )
    return IssuedTicket(ticket=ticket, expires_in=ttl)


def ticket_redeem(*, ticket: str) -> User | None:
    """The active user a valid ticket was issued to, or None.

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
    return User.objects.filter(ws_tickets__token_hash=digest, is_active=True).first()
