"""Web Push (RFC 8030/8291/8292 through pywebpush): each notification goes to every device
the user subscribed, encrypted for it and signed with the site's VAPID key. Off unless
WEBPUSH_VAPID_PUBLIC_KEY and WEBPUSH_VAPID_PRIVATE_KEY are set. A push service answering 404
or 410 says the subscription is gone: it is deleted."""

import json
import logging

from django.conf import settings
from django.utils import timezone, translation
from pywebpush import WebPushException, webpush

from accounts.models import User
from accounts.notifications.models import Notification, PushSubscription
from accounts.notifications.texts import absolute_url, notification_text, notification_url
from core.errors import ServiceError

logger = logging.getLogger(__name__)
PUSH_TTL_SECONDS = 24 * 3600
GONE = (404, 410)


class PushSubscriptionError(ServiceError):
    """A refused subscription."""


def webpush_public_key() -> str:
    return str(getattr(settings, "WEBPUSH_VAPID_PUBLIC_KEY", "") or "")


def webpush_enabled() -> bool:
    return bool(webpush_public_key() and getattr(settings, "WEBPUSH_VAPID_PRIVATE_KEY", ""))


def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Store this device's subscription for `user` (a browser re-subscribing, or one that
    changed hands, replaces the old row)."""
    if not webpush_enabled():
        raise PushSubscriptionError("conflict", "Web Push is not configured on this site.")
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    return subscription


def push_subscription_delete(*, user: User, endpoint: str) -> bool:
    """Forget this device's subscription. Returns whether one was stored."""
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


def webpush_send(*, notification_id: int) -> int:
    """Push the notification to the user's devices. Returns how many accepted it."""
    if not webpush_enabled():
        return 0
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None or note.read_at is not None:
        return 0
    subscriptions = list(PushSubscription.objects.filter(user_id=note.user_id))
    if not subscriptions:
        return 0
    user = note.user
    with translation.override(user.preferred_language), timezone.override(user.time_zone):
        message = json.dumps(
            {
                "title": "Backstage",
                "body": notification_text(note),
                "url": absolute_url(notification_url(note) or "/notifications/"),
                "tag": f"notification-{note.pk}",
            }
        )
    sent = 0
    for subscription in subscriptions:
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=message,
                vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
                ttl=PUSH_TTL_SECONDS,
                timeout=10,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in GONE:
                subscription.delete()
            else:
                logger.warning("web push to subscription %s failed: %s", subscription.pk, exc)
            continue
        sent += 1
    return sent
