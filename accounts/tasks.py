"""Celery tasks of accounts: the notifications' e-mail batches and Web Push.

The delivery channels registered here run after a notification commits (AccountsConfig.ready
imports this module). Under a real broker a user's batch is a task with a countdown of one
interval, queued once per interval (a cache key); in the embedded mode tasks run eagerly, so
no countdown task is queued and the periodic sweep (`send_due_notifications`) sends batches.
"""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from accounts.notifications.emails import email_batch_send, email_interval, emails_wanted
from accounts.notifications.service import NotificationEvent, register_notification_channel
from accounts.notifications.sweeps import notifications_send_due
from accounts.notifications.webpush import webpush_enabled, webpush_send


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True)
def send_notification_email(user_id: int) -> bool:
    return email_batch_send(user_id=user_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_web_push(notification_id: int) -> int:
    return webpush_send(notification_id=notification_id)


@shared_task
def send_due_notifications() -> dict[str, int]:
    """Beat's minute job (accounts/notifications/celery_schedule.py)."""
    return notifications_send_due()


@register_notification_channel
def _queue_email_batch(event: NotificationEvent) -> None:
    note = event.notification
    if note is None or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    if not emails_wanted(user=note.user, kind=note.kind):
        return
    seconds = int(email_interval().total_seconds())
    # One countdown task per user and interval; later notifications ride in its batch.
    if cache.add(f"notification-email-queued:{note.user_id}", 1, timeout=seconds):
        send_notification_email.apply_async((note.user_id,), countdown=seconds + 1)


@register_notification_channel
def _queue_web_push(event: NotificationEvent) -> None:
    if event.notification is not None and webpush_enabled():
        send_web_push.delay(event.notification.pk)
