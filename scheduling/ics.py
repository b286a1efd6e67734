"""Bookings as iCalendar (RFC 5545) with the `icalendar` library.

One booking is one VEVENT whose UID never changes; every change raises its SEQUENCE, so a
calendar that imported it replaces it. Times carry the viewer's TZID and a VTIMEZONE.
"""

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from accounts.models import User
from scheduling.meeting_rooms import meeting_room_url
from scheduling.models import Booking, BookingStatus, Mode

Method = Literal["PUBLISH", "REQUEST", "CANCEL"]
PRODID = "-//Backstage//Scheduling//EN"
UID_DOMAIN = "backstage"


def booking_uid(booking: Booking) -> str:
    return f"{booking.uid}@{UID_DOMAIN}"


def site_url(path: str) -> str | None:
    """An absolute URL when the deployment says where it lives (settings.SITE_URL)."""
    base = str(getattr(settings, "SITE_URL", "") or "")
    return base.rstrip("/") + path if base else None


def _other_party(booking: Booking, viewer: User) -> User:
    return booking.student if viewer.pk == booking.professional_id else booking.professional


def booking_location(booking: Booking, viewer: User) -> str:
    """The address, the room link, or a note that the link is still to come."""
    if booking.slot.mode == Mode.IN_PERSON:
        return booking.slot.address
    return meeting_room_url(slot=booking.slot, user=viewer) or _("Online, on Backstage")


def _event(booking: Booking, viewer: User, zone: ZoneInfo, stamp: dt.datetime) -> Event:
    other = _other_party(booking, viewer)
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", booking.starts_at.astimezone(zone))
    event.add("dtend", booking.ends_at.astimezone(zone))
    event.add("summary", _("Backstage meeting with %(name)s") % {"name": other.display_name})
    event.add("location", booking_location(booking, viewer))
    lines = [
        _("Meeting booked on Backstage with %(name)s.") % {"name": other.display_name},
    ]
    if booking.slot.mode == Mode.VIRTUAL and not meeting_room_url(slot=booking.slot, user=viewer):
        lines.append(_("The link to the online room will appear on Backstage, in My meetings."))
    if booking.status == BookingStatus.CANCELLED and booking.cancel_reason:
        lines.append(_("Cancelled: %(reason)s") % {"reason": booking.cancel_reason})
    link = site_url(reverse("scheduling:booking_detail", args=[booking.pk]))
    if link:
        event.add("url", link)
        lines.append(link)
    event.add("description", "\n".join(lines))
    confirmed = booking.status == BookingStatus.CONFIRMED
    event.add("status", "CONFIRMED" if confirmed else "CANCELLED")
    event.add("transp", "OPAQUE" if confirmed else "TRANSPARENT")
    return event


def _organizer() -> vCalAddress:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@localhost'}")
    organizer.params["cn"] = vText("Backstage")
    return organizer


def _attendee(user: User) -> vCalAddress | None:
    if not user.email:
        return None
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.display_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    return attendee


def bookings_calendar(
    *,
    bookings: Iterable[Booking],
    viewer: User,
    method: Method | None,
    name: str | None = None,
) -> bytes:
    """An iCalendar file of `bookings` as `viewer` sees them (their zone, the other party).

    With method REQUEST or CANCEL (e-mails), each event names Backstage as organizer and the
    viewer as attendee, as RFC 5546 asks; PUBLISH (downloads) and None (feeds) do not.
    """
    zone = ZoneInfo(viewer.time_zone)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"value": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    days: list[dt.date] = []
    with translation.override(viewer.preferred_language):
        for booking in bookings:
            event = _event(booking, viewer, zone, stamp)
            if method in ("REQUEST", "CANCEL"):
                event.add("organizer", _organizer())
                attendee = _attendee(viewer)
                if attendee is not None:
                    event.add("attendee", attendee)
            calendar.add_component(event)
            days.append(booking.starts_at.date())
    if days:
        # Only the rules around these meetings, not the zone's whole history.
        calendar.add_missing_timezones(
            first_date=min(days) - dt.timedelta(days=366),
            last_date=max(days) + dt.timedelta(days=366),
        )
    return bytes(calendar.to_ical())


def booking_ics(*, booking: Booking, viewer: User, method: Method) -> bytes:
    """One booking's .ics for `viewer` (a download or an e-mail attachment)."""
    return bookings_calendar(bookings=[booking], viewer=viewer, method=method)


def download_method(booking: Booking) -> Method:
    return "PUBLISH" if booking.status == BookingStatus.CONFIRMED else "CANCEL"
