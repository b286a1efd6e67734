"""The one way every feature tells a user something: `notify` writes a row in the caller's
transaction; after the commit the registered delivery channels run (realtime's live push,
accounts.tasks' e-mail batch and Web Push). The bell, the list and the read marks live here.

accounts sits below every feature and below realtime, so it imports none of them: channels
register themselves (`register_notification_channel`), and the features call `notify`.
"""

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.notifications.models import Notification, NotificationKind
from core.errors import ServiceError

logger = logging.getLogger(__name__)


class NotificationError(ServiceError):
    """A refused notification request."""


@dataclass(frozen=True)
class NotificationEvent:
    """What a channel hears after a commit: a new notification (`notification` set), or a
    change of the user's read marks (`notification` None). `unread` is the count then."""

    user_id: int
    notification: Notification | None
    unread: int


NotificationChannel = Callable[[NotificationEvent], None]
_CHANNELS: list[NotificationChannel] = []


def register_notification_channel(channel: NotificationChannel) -> NotificationChannel:
    """Decorator: `channel(event)` runs after each notification or read change commits. A
    channel that raises is logged; the others still run."""
    if channel not in _CHANNELS:
        _CHANNELS.append(channel)
    return channel


def _dispatch(event: NotificationEvent) -> None:
    for channel in list(_CHANNELS):
        try:
            channel(event)
        except Exception:
            logger.exception("notification channel %s failed", getattr(channel, "__name__", "?"))


def unread_count(*, user_id: int) -> int:
    """The bell's number: one indexed count."""
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def _deliver_later(notification_id: int) -> Callable[[], None]:
    # A named function, not a partial: Django logs a failing on_commit callback by __qualname__.
    def deliver_notification() -> None:
        note = Notification.objects.select_related("user").filter(pk=notification_id).first()
        if note is None:
            return
        _dispatch(NotificationEvent(note.user_id, note, unread_count(user_id=note.user_id)))

    return deliver_notification


def _read_changed_later(user_id: int) -> Callable[[], None]:
    def announce_read() -> None:
        _dispatch(NotificationEvent(user_id, None, unread_count(user_id=user_id)))

    return announce_read


def notify(*, user_id: int, kind: str, data: Mapping[str, Any] | None = None) -> Notification:
    """Tell `user_id` about `kind` (a NotificationKind). The row is written in the caller's
    transaction; delivery (live push, e-mail batch, Web Push) runs once it commits, so nobody
    hears of something rolled back. `data` carries what the sentence needs and its "url"."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    note = Notification.objects.create(user_id=user_id, kind=kind, data=dict(data or {}))
    transaction.on_commit(_deliver_later(note.pk), robust=True)
    return note


def notify_once(
    *,
    user_id: int,
    kind: str,
    data: Mapping[str, Any],
    key: Mapping[str, Any],
    unread_only: bool = True,
) -> Notification | None:
    """`notify`, unless the user already has a notification of `kind` whose data matches `key`
    (an unread one when `unread_only`): "new messages" once per conversation until read, "room
    starting soon" once per room. Returns the new row, or None."""
    existing = Notification.objects.filter(
        user_id=user_id, kind=kind, **{f"data__{name}": value for name, value in key.items()}
    )
    if unread_only:
        existing = existing.filter(read_at__isnull=True)
    if existing.exists():
        return None
    return notify(user_id=user_id, kind=kind, data=data)


# Pairs (kind, user, key value) this process recently found or made an unread notice for:
# the chat's writer then skips the SELECT for every message of a busy conversation (measured:
# -30 % persisted messages/s without it, docs/performance.md). A read in this process forgets
# the user's pairs at once; a read in another process is seen here within the memo's lifetime.
NOTIFY_ONCE_MEMO_SECONDS = 30.0
_NOTIFY_ONCE_MEMO_LIMIT = 50_000
_notified_recently: dict[tuple[str, int, Any], float] = {}


def _memo_forget_user(user_id: int) -> None:
    for pair in [pair for pair in _notified_recently if pair[1] == user_id]:
        del _notified_recently[pair]


def _memo_remember(pairs: Iterable[tuple[str, int, Any]], now: float) -> None:
    if len(_notified_recently) > _NOTIFY_ONCE_MEMO_LIMIT:
        for pair in [pair for pair, until in _notified_recently.items() if until <= now]:
            del _notified_recently[pair]
        if len(_notified_recently) > _NOTIFY_ONCE_MEMO_LIMIT:
            _notified_recently.clear()
    until = now + NOTIFY_ONCE_MEMO_SECONDS
    for pair in pairs:
        _notified_recently[pair] = until


def notify_once_after_commit(
    *, kind: str, items: Iterable[tuple[int, Mapping[str, Any]]], key: str
) -> None:
    """After the commit, `notify` each `(user_id, data)` unless that user has an unread
    notification of `kind` with the same `data[key]`. For hot paths (the chat writer's
    batches): nothing runs inside the caller's transaction, and the whole batch costs one
    callback and a fixed number of queries."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    wanted = {(user_id, data[key]): dict(data) for user_id, data in items}
    if not wanted:
        return

    def notify_batch() -> None:
        now = time.monotonic()
        unknown = {
            (user_id, value): data
            for (user_id, value), data in wanted.items()
            if _notified_recently.get((kind, user_id, value), 0.0) <= now
        }
        if not unknown:
            return
        match = Q()
        for user_id, value in unknown:
            match |= Q(user_id=user_id, **{f"data__{key}": value})
        # No transaction around the two: it would not stop a concurrent batch either (a rare
        # double "new messages" notice is harmless), and on the chat's hot path it costs two
        # round trips per batch. Most batches find their notice there and stop at the SELECT.
        existing = set(
            Notification.objects.filter(match, kind=kind, read_at__isnull=True).values_list(
                "user_id", f"data__{key}"
            )
        )
        fresh = [
            Notification(user_id=user_id, kind=kind, data=data)
            for (user_id, value), data in unknown.items()
            if (user_id, value) not in existing
        ]
        if fresh:
            Notification.objects.bulk_create(fresh)
        _memo_remember(((kind, user_id, value) for user_id, value in unknown), now)
        if not fresh:
            return
        counts = dict(
            Notification.objects.filter(
                user_id__in={note.user_id for note in fresh}, read_at__isnull=True
            )
            .values("user_id")
            .annotate(unread=Count("id"))
            .values_list("user_id", "unread")
        )
        for note in fresh:
            _dispatch(NotificationEvent(note.user_id, note, counts.get(note.user_id, 0)))

    transaction.on_commit(notify_batch, robust=True)


def notifications_mark_read(
    *, user_id: int, ids: Iterable[int] | None = None, everything: bool = False
) -> int:
    """Mark the user's notifications `ids` (others' ids are ignored), or all of them, read.
    Returns the unread count after; the user's other tabs hear the new count."""
    if not everything and ids is None:
        raise NotificationError("bad_request", "Give ids or all.", field="ids")
    _memo_forget_user(user_id)
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if not everything:
        unread = unread.filter(pk__in=list(ids or []))
    with transaction.atomic():
        if unread.update(read_at=timezone.now()):
            transaction.on_commit(_read_changed_later(user_id), robust=True)
    return unread_count(user_id=user_id)


def notifications_mark_read_where(*, user_id: int, kind: str, key: Mapping[str, Any]) -> int:
    """Mark read the user's unread notifications of `kind` matching `key` (e.g. the "new
    messages" of a conversation they just read). Returns how many."""
    _memo_forget_user(user_id)
    rows = Notification.objects.filter(
        user_id=user_id,
        kind=kind,
        read_at__isnull=True,
        **{f"data__{name}": value for name, value in key.items()},
    )
    changed = rows.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(_read_changed_later(user_id), robust=True)
    return changed


def delivery_channels() -> tuple[NotificationChannel, ...]:
    """The registered channels (for checks and tests)."""
    return tuple(_CHANNELS)
