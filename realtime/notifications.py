"""The live channel of notifications: each one is pushed as `notification` on the user's
topic with its payload and the unread count; a change of read marks is pushed as
`notification.read` `{"unread"}`, so every tab's bell follows. Registered by RealtimeConfig."""

from accounts.notifications.service import NotificationEvent, register_notification_channel
from accounts.notifications.texts import notification_payload
from realtime.users import user_notify


@register_notification_channel
def push_notification(event: NotificationEvent) -> None:
    if event.notification is None:
        user_notify(event.user_id, "notification.read", {"unread": event.unread})
        return
    user_notify(
        event.user_id,
        "notification",
        {**notification_payload(event.notification), "unread": event.unread},
    )
