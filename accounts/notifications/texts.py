"""What a notification says and where it leads, rendered from its kind and data in the active
language and time zone: the page, the live push, the e-mail and Web Push all use these."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.notifications.models import Notification, NotificationKind


def _when(value: Any) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if not isinstance(moment, datetime):
        return ""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_fixed_timezone(0))
    return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def notification_text(note: Notification) -> str:
    """One sentence about the notification."""
    data = note.data if isinstance(note.data, dict) else {}
    name = str(data.get("name") or _("Someone"))
    title = str(data.get("title") or "")
    when = _when(data.get("starts_at"))
    kind = note.kind
    if kind == NotificationKind.CONTACT_REQUESTED:
        return _("%(name)s asks to get in touch.") % {"name": name}
    if kind == NotificationKind.CONTACT_ACCEPTED:
        return _("%(name)s accepted the contact request: the conversation is open.") % {
            "name": name
        }
    if kind == NotificationKind.MESSAGE_WHILE_AWAY:
        return _("New messages from %(name)s.") % {"name": name}
    if kind == NotificationKind.BOOKING_MADE:
        return _("%(name)s booked a meeting: %(when)s.") % {"name": name, "when": when}
    if kind == NotificationKind.BOOKING_CANCELLED:
        return _("%(name)s cancelled the meeting of %(when)s.") % {"name": name, "when": when}
    if kind == NotificationKind.BOOKING_RESCHEDULED:
        return _("%(name)s moved a meeting to %(when)s.") % {"name": name, "when": when}
    if kind == NotificationKind.ROOM_INVITATION:
        return _("%(name)s sent an invitation to the room “%(title)s”.") % {
            "name": name,
            "title": title,
        }
    if kind == NotificationKind.ROOM_STARTING_SOON:
        return _("The room “%(title)s” starts at %(when)s.") % {"title": title, "when": when}
    if kind == NotificationKind.EVENT_REMINDER:
        return _("The event “%(title)s” starts at %(when)s.") % {"title": title, "when": when}
    if kind == NotificationKind.REPORT_HANDLED:
        return _("A report was handled by a moderator. Thanks for reporting.")
    if kind == NotificationKind.VERIFICATION_CHANGED:
        status = data.get("status")
        if status == "verified":
            return _("Your profile is verified: students can now find and meet you.")
        if status == "more_info_requested":
            return _("The verification team needs more information from you.")
        if status in ("refused", "withdrawn"):
            return _("Your profile is not verified: the reason is on your home page.")
        return _("The verification status of the account changed.")
    return str(NotificationKind(kind).label) if kind in NotificationKind.values else kind


def notification_url(note: Notification) -> str:
    """The site path of the thing the notification is about ("" when there is none)."""
    data = note.data if isinstance(note.data, dict) else {}
    url = data.get("url")
    # Only site paths: data is written by services, but a link must never leave the site.
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return url
    return ""


def absolute_url(path: str) -> str:
    """`path` on SITE_URL, for e-mails and Web Push (no request to build it from)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else settings.SITE_URL


def notification_payload(note: Notification) -> dict[str, Any]:
    """The API's and the push's shape: the fixed fields, plus "text" and "url"."""
    return {
        "id": note.pk,
        "kind": note.kind,
        "data": note.data,
        "created_at": note.created_at.isoformat().replace("+00:00", "Z"),
        "read": note.read_at is not None,
        "text": notification_text(note),
        "url": notification_url(note),
    }
