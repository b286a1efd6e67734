"""Writes of scheduling, by seam: availability, booking, reminders, feeds, notifications."""

from scheduling.services.availability import (
    availability_window_add,
    availability_window_remove,
    blocked_date_add,
    blocked_date_remove,
    booking_rules_set,
    slots_extend,
)
from scheduling.services.booking import booking_cancel, booking_create, booking_reschedule
from scheduling.services.feed import calendar_feed_revoke, calendar_feed_rotate
from scheduling.services.reminders import reminder_deliver, reminders_send_due

__all__ = [
    "availability_window_add",
    "availability_window_remove",
    "blocked_date_add",
    "blocked_date_remove",
    "booking_cancel",
    "booking_create",
    "booking_reschedule",
    "booking_rules_set",
    "calendar_feed_revoke",
    "calendar_feed_rotate",
    "reminder_deliver",
    "reminders_send_due",
    "slots_extend",
]
