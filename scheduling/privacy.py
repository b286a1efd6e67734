"""Scheduling's part of a person's data (accounts.privacy): their bookings, the slots and
availability they offered; on deletion, their future meetings are cancelled as if they had
cancelled each one (the other side is told and e-mailed), their open slots withdrawn and their
availability, rules and calendar feed removed. Registered by SchedulingConfig.ready."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from scheduling.models import (
    AvailabilityWindow,
    BlockedDate,
    Booking,
    BookingRules,
    BookingStatus,
    Slot,
    SlotStatus,
)
from scheduling.services.booking import booking_cancel
from scheduling.services.feed import calendar_feed_revoke


def bookings_export(user: User) -> list[dict[str, Any]]:
    """Bookings the user made (as a student) or received (as a professional), the other side
    by id."""
    rows = (
        Booking.objects.filter(Q(student=user) | Q(professional=user))
        .select_related("slot")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "id": booking.pk,
            "as": "student" if booking.student_id == user.pk else "professional",
            "student": booking.student_id,
            "professional": booking.professional_id,
            "slot": booking.slot_id,
            "starts_at": booking.starts_at,
            "ends_at": booking.ends_at,
            "mode": booking.slot.mode,
            "address": booking.slot.address,
            "status": booking.status,
            "created_at": booking.created_at,
            "cancelled_at": booking.cancelled_at,
            "cancel_reason": booking.cancel_reason,
            "note": booking.note,
        }
        for booking in rows
    ]


def slots_export(user: User) -> dict[str, Any]:
    """What a professional offered: availability windows, days off, rules and slots."""
    rules = BookingRules.objects.filter(professional=user).first()
    return {
        "windows": [
            {
                "id": window.pk,
                "kind": window.kind,
                "weekday": window.weekday,
                "start_date": window.start_date,
                "end_date": window.end_date,
                "start_time": window.start_time,
                "end_time": window.end_time,
                "time_zone": window.time_zone,
                "slot_minutes": window.slot_minutes,
                "capacity": window.capacity,
                "mode": window.mode,
                "address": window.address,
            }
            for window in AvailabilityWindow.objects.filter(professional=user).order_by("pk")
        ],
        "blocked_dates": [
            {"date": blocked.date, "note": blocked.note}
            for blocked in BlockedDate.objects.filter(professional=user).order_by("date")
        ],
        "rules": {
            "min_notice_minutes": rules.min_notice_minutes,
            "horizon_days": rules.horizon_days,
        }
        if rules is not None
        else None,
        "slots": [
            {
                "id": slot.pk,
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "capacity": slot.capacity,
                "booked": slot.booked_count,
                "mode": slot.mode,
                "address": slot.address,
                "status": slot.status,
            }
            for slot in Slot.objects.filter(professional=user).order_by("starts_at", "pk")
        ],
    }


def scheduling_erase(user: User) -> None:
    """Free future slots are withdrawn (booked ones closed) first, so nobody books them while
    their meetings are cancelled, one by one through the cancel service: each other side gets
    the push and the e-mail a cancellation sends. Past meetings stay in both histories."""
    now = timezone.now()
    future_open = Slot.objects.filter(professional=user, status=SlotStatus.OPEN, starts_at__gt=now)
    future_open.filter(booked_count=0).update(status=SlotStatus.WITHDRAWN)
    future_open.filter(booked_count__gt=0).update(status=SlotStatus.CLOSED)
    upcoming = Booking.objects.filter(
        Q(student=user) | Q(professional=user),
        status=BookingStatus.CONFIRMED,
        starts_at__gt=now,
    ).values_list("pk", flat=True)
    reason = _("This account was deleted.")
    for booking_id in list(upcoming):
        booking_cancel(user=user, booking_id=booking_id, reason=reason, now=now)
    AvailabilityWindow.objects.filter(professional=user).delete()
    BlockedDate.objects.filter(professional=user).delete()
    BookingRules.objects.filter(professional=user).delete()
    calendar_feed_revoke(user=user)
