"""Private calendar feeds: a secret URL per user that calendar apps subscribe to."""

import secrets

from django.db import transaction

from accounts.models import User
from scheduling.models import CalendarFeed

TOKEN_BYTES = 32


@transaction.atomic
def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """Give the user a feed URL; an existing one stops working (its token is replaced)."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(TOKEN_BYTES)}
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> bool:
    """Stop the user's feed URL from working. Returns whether there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_feed_user(*, token: str) -> User | None:
    """The active user a feed token belongs to, or None."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user
