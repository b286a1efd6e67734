"""The away e-mail: at most one per user per NOTIFICATION_EMAIL_INTERVAL_SECONDS, listing the
notifications still unread and not yet e-mailed, of the kinds the user keeps switched on.

A notification waits one interval before it is e-mailed: one read meanwhile (the user was
there) is never sent. Every batch goes out from `email_batch_send`, called per user by a
Celery task queued with a countdown (real broker) and by the periodic `emails_send_due` sweep
(beat, or `manage.py send_due_notifications` in the embedded mode, where tasks run eagerly and
a countdown would fire at once). Both take the user's preference row lock, so two runs never
send the same batch.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import User
from accounts.notifications.models import Notification, NotificationKind, NotificationPreference
from accounts.notifications.texts import absolute_url, notification_text, notification_url


def email_interval() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "NOTIFICATION_EMAIL_INTERVAL_SECONDS", 300)))


def default_email_off() -> list[str]:
    return [
        kind
        for kind in getattr(settings, "NOTIFICATION_EMAIL_DEFAULT_OFF", ())
        if kind in NotificationKind.values
    ]


def email_off_kinds(*, user_id: int) -> list[str]:
    """The kinds the user does not want by e-mail."""
    stored = (
        NotificationPreference.objects.filter(user_id=user_id)
        .values_list("email_off", flat=True)
        .first()
    )
    return list(stored) if stored is not None else default_email_off()


def email_preferences_set(*, user: User, email_on: list[str]) -> list[str]:
    """Keep only the kinds in `email_on` switched on for e-mail; returns the kinds off."""
    off = [kind for kind in NotificationKind.values if kind not in set(email_on)]
    NotificationPreference.objects.update_or_create(user=user, defaults={"email_off": off})
    return off


def emails_wanted(*, user: User, kind: str) -> bool:
    """Whether a notification of `kind` may reach `user` by e-mail at all."""
    return bool(user.email) and user.is_active and kind not in email_off_kinds(user_id=user.pk)


def _waiting(user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(
        user_id=user_id, read_at__isnull=True, emailed_at__isnull=True
    )


def email_batch_send(*, user_id: int, now: datetime | None = None) -> bool:
    """Send the user's batch if one is due: the oldest waiting notification is an interval
    old and the last batch went out an interval ago. Waiting rows of kinds switched off are
    marked handled (`emailed_at`) without being sent. Returns whether an e-mail went out."""
    now = now or timezone.now()
    interval = email_interval()
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.get_or_create(
            user_id=user_id, defaults={"email_off": default_email_off()}
        )
        preference = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return False
        waiting = _waiting(user_id).filter(created_at__lte=now)
        off = list(preference.email_off)
        if not user.email or not user.is_active:
            off = list(NotificationKind.values)
        waiting.filter(kind__in=off).update(emailed_at=now)
        notes = list(waiting.exclude(kind__in=off).order_by("created_at", "pk"))
        if not notes or notes[0].created_at > now - interval:
            return False
        if preference.last_emailed_at and preference.last_emailed_at > now - interval:
            return False
        message = _email(user, notes)
        Notification.objects.filter(pk__in=[note.pk for note in notes]).update(emailed_at=now)
        preference.last_emailed_at = now
        preference.save(update_fields=["last_emailed_at"])
        # Inside the transaction: a failed send rolls the marks back and the next run retries.
        message.send()
    return True


def _email(user: User, notes: list[Notification]) -> EmailMessage:
    with translation.override(user.preferred_language), timezone.override(user.time_zone):
        items = [
            {"text": notification_text(note), "link": absolute_url(notification_url(note))}
            for note in notes
        ]
        context = {
            "user": user,
            "items": items,
            "all_link": absolute_url(reverse("frontend:notifications")),
            "settings_link": absolute_url(reverse("frontend:settings_notifications")),
        }
        body = render_to_string("accounts/notifications/email.txt", context)
        subject = ngettext(
            "Backstage: %(count)d new notification",
            "Backstage: %(count)d new notifications",
            len(notes),
        ) % {"count": len(notes)}
    return EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )


def emails_send_due(*, now: datetime | None = None) -> int:
    """The sweep: send every batch that is due. Returns how many e-mails went out."""
    now = now or timezone.now()
    user_ids = (
        Notification.objects.filter(
            read_at__isnull=True, emailed_at__isnull=True, created_at__lte=now - email_interval()
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(email_batch_send(user_id=user_id, now=now) for user_id in list(user_ids))
