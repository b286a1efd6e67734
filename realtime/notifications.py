"""The live channel of notifications: each one is pushed as `notification` on the user's
topic with its payload and the unread count; a change of read marks is pushed as
`notification.read` `{"unread"}`, so every tab's bell follows. Registered by RealtimeConfig."""

from django.utils import timezone, translation

from accounts.notifications.service import NotificationEvent, register_notification_channel
from accounts.notifications.texts import notification_payload
from realtime.users import user_notify


@register_notification_channel
def push_notification(event: NotificationEvent) -> None:
    if event.notification is None:
        user_notify(event.user_id, "notification.read", {"unread": event.unread})
        return
    # The sentence in the reader's language and time zone, not those of whoever caused it.
    reader = event.notification.user
    with translation.override(reader.preferred_language), timezone.override(reader.time_zone):
        payload = notification_payload(event.notification)
    user_notify(event.user_id, "notification", {**payload, "unread": event.unread})
