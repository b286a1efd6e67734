"""Availability windows, the slots they open, bookings, reminders sent and calendar feeds.

Times are aware and stored in UTC. A window keeps its wall-clock hours and the time zone they
are in, so that "Tuesday 18:00" stays 18:00 there across daylight-saving changes; its slots are
rows (materialised ahead of time), because a booking must be able to lock and count one.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MIN_SLOT_MINUTES = 15
MAX_SLOT_MINUTES = 60
MAX_CAPACITY = 30
MAX_NOTICE_MINUTES = 14 * 24 * 60
MAX_HORIZON_DAYS = 180
# A student's note to the professional at booking: a question or two, not a letter.
MAX_NOTE_LENGTH = 500
DEFAULT_NOTICE_MINUTES = 12 * 60
DEFAULT_HORIZON_DAYS = 60


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Online")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WindowKind(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    ONE_OFF = "one_off", _("Once")


class SlotStatus(models.TextChoices):
    OPEN = "open", _("Open")
    # Kept for the bookings it holds, but no new booking (its window or its day was removed).
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "24h", _("24 hours before")
    QUARTER_HOUR = "15m", _("15 minutes before")


class BookingRules(models.Model):
    """A professional's booking rules. Without a row, the defaults apply."""

    professional = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_rules"
    )
    min_notice_minutes = models.PositiveIntegerField(default=DEFAULT_NOTICE_MINUTES)
    horizon_days = models.PositiveSmallIntegerField(default=DEFAULT_HORIZON_DAYS)

    class Meta:
        verbose_name_plural = "booking rules"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_notice_minutes__lte=MAX_NOTICE_MINUTES),
                name="booking_rules_notice_range",
            ),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1, horizon_days__lte=MAX_HORIZON_DAYS),
                name="booking_rules_horizon_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Rules of {self.professional_id}"


class AvailabilityWindow(models.Model):
    """A period a professional offers, cut into slots: weekly (until a date or open-ended) or
    once. Start and end are wall-clock times in `time_zone`, on the same day."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_windows"
    )
    kind = models.CharField(max_length=8, choices=WindowKind.choices)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, null=True, blank=True)
    # The day of a one-off window; the first day a weekly window applies.
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)  # weekly: last day, inclusive
    start_time = models.TimeField()
    end_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    slot_minutes = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField(default=1)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    address = models.CharField(max_length=300, blank=True)
    # Slots exist for local days before this one (exclusive); the daily job moves it forward.
    materialised_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "weekday", "start_date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="window_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=MIN_SLOT_MINUTES, slot_minutes__lte=MAX_SLOT_MINUTES),
                name="window_slot_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="window_capacity_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=WindowKind.WEEKLY, weekday__gte=0, weekday__lte=6)
                    | Q(kind=WindowKind.ONE_OFF, weekday__isnull=True, end_date__isnull=True)
                ),
                name="window_kind_fields",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="window_end_date_after_start",
            ),
            models.CheckConstraint(
                condition=Q(mode=Mode.VIRTUAL) | (Q(mode=Mode.IN_PERSON) & ~Q(address="")),
                name="window_in_person_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} window {self.pk} of {self.professional_id}"


class BlockedDate(models.Model):
    """A day off (in the professional's time zone): no free slot is offered that day."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_dates"
    )
    date = models.DateField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["professional", "date"], name="blocked_date_once")
        ]

    def __str__(self) -> str:
        return f"{self.professional_id} off on {self.date}"


class Slot(models.Model):
    """One bookable period. `booked_count` is the number of confirmed bookings: services change
    it with conditional UPDATEs, and the database refuses it above `capacity`."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots"
    )
    window = models.ForeignKey(
        AvailabilityWindow,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked_count = models.PositiveSmallIntegerField(default=0)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    address = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=SlotStatus.choices, default=SlotStatus.OPEN)
    # The video room of a virtual slot, made at its first booking (scheduling.meeting_rooms):
    # the one link between a slot and its room. Rooms, below scheduling, knows nothing of it.
    room = models.OneToOneField(
        "rooms.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_slot",
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["professional", "starts_at"], name="slot_professional_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked_count__lte=F("capacity")), name="slot_not_over_capacity"
            ),
            models.CheckConstraint(condition=Q(booked_count__gte=0), name="slot_count_positive"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="slot_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SlotStatus.values), name="slot_status_valid"
            ),
            models.UniqueConstraint(fields=["window", "starts_at"], name="slot_once_per_window"),
        ]

    def __str__(self) -> str:
        return f"Slot {self.pk} of {self.professional_id} at {self.starts_at:%Y-%m-%d %H:%M}Z"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked_count, 0)


class Booking(models.Model):
    """A student's place in a slot. Rescheduling moves the same row (and its calendar UID) to
    another slot; its times are copied from the slot so the database can refuse a student two
    overlapping confirmed bookings (an exclusion constraint on PostgreSQL)."""

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosted_bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE: +1 per change
    scheduled_at = models.DateTimeField()  # when its current time was chosen
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(max_length=500, blank=True)
    # What the student would like to ask or see: only the two sides of the booking read it.
    note = models.TextField(max_length=MAX_NOTE_LENGTH, blank=True, default="")

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["student", "starts_at"], name="booking_student_start"),
            models.Index(fields=["professional", "starts_at"], name="booking_professional_start"),
            models.Index(fields=["status", "starts_at"], name="booking_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=BookingStatus.CONFIRMED, cancelled_at__isnull=True)
                    | Q(status=BookingStatus.CANCELLED, cancelled_at__isnull=False)
                ),
                name="booking_status_matches_cancellation",
            ),
            models.UniqueConstraint(
                fields=["slot", "student"],
                condition=Q(status=BookingStatus.CONFIRMED),
                name="booking_once_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk} of {self.student_id} in slot {self.slot_id} ({self.status})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == BookingStatus.CONFIRMED


class SentReminder(models.Model):
    """The claim, then the record, of one reminder: inserted before sending, so that a retried
    or duplicated task finds it and sends nothing. Keyed by the meeting time it announces, so a
    rescheduled booking is reminded again."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    starts_at = models.DateTimeField()
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "starts_at"], name="reminder_once_per_meeting_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder of booking {self.booking_id}"


class CalendarFeed(models.Model):
    """The secret of a user's private calendar feed URL. Revoking deletes the row; a new one
    gets a new token, so old URLs stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"
