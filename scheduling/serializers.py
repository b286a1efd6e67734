"""Shapes of the scheduling API. Inputs are closed: an unknown field is a 400."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from scheduling.meeting_rooms import meeting_room_url
from scheduling.models import (
    MAX_CAPACITY,
    MAX_HORIZON_DAYS,
    MAX_NOTE_LENGTH,
    MAX_NOTICE_MINUTES,
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    AvailabilityWindow,
    BlockedDate,
    Booking,
    BookingRules,
    Mode,
    Slot,
    WindowKind,
)


class ClosedSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not declare, instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


# --- Inputs -------------------------------------------------------------------------------


class SlotQuerySerializer(ClosedSerializer):
    professional = serializers.IntegerField(min_value=1)
    # ISO 8601 dates (whole days in the caller's time zone) or datetimes (with or without an
    # offset; without one, in the caller's time zone). Parsed by the view.
    from_ = serializers.CharField(required=False, max_length=40)
    to = serializers.CharField(required=False, max_length=40)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields


class RangeQuerySerializer(ClosedSerializer):
    from_ = serializers.CharField(required=False, max_length=40)
    to = serializers.CharField(required=False, max_length=40)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class BookingListQuerySerializer(ClosedSerializer):
    when = serializers.ChoiceField(choices=["upcoming", "past"], default="upcoming")
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class BookingCreateSerializer(ClosedSerializer):
    slot = serializers.IntegerField(min_value=1)
    note = serializers.CharField(
        max_length=MAX_NOTE_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional: what the student would like to ask or see. Trimmed.",
    )


class BookingCancelSerializer(ClosedSerializer):
    reason = serializers.CharField(max_length=500)


class BookingRescheduleSerializer(ClosedSerializer):
    slot = serializers.IntegerField(min_value=1)


class BookingRulesSerializer(ClosedSerializer):
    min_notice_minutes = serializers.IntegerField(min_value=0, max_value=MAX_NOTICE_MINUTES)
    horizon_days = serializers.IntegerField(min_value=1, max_value=MAX_HORIZON_DAYS)


class WindowCreateSerializer(ClosedSerializer):
    kind = serializers.ChoiceField(choices=WindowKind.choices)
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, required=False, help_text="Weekly: 0 is Monday."
    )
    date = serializers.DateField(required=False, help_text="One-off: the day.")
    start_date = serializers.DateField(
        required=False, help_text="Weekly: the first day it applies (default: today)."
    )
    end_date = serializers.DateField(
        required=False, allow_null=True, help_text="Weekly: the last day (default: none)."
    )
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    slot_minutes = serializers.IntegerField(min_value=MIN_SLOT_MINUTES, max_value=MAX_SLOT_MINUTES)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY, default=1)
    mode = serializers.ChoiceField(choices=Mode.choices)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == WindowKind.ONE_OFF:
            extra = [name for name in ("weekday", "start_date", "end_date") if name in attrs]
            if "date" not in attrs:
                raise serializers.ValidationError({"date": ["A one-off window needs its day."]})
            if extra:
                raise serializers.ValidationError(
                    {name: ["Only weekly windows have this."] for name in extra}
                )
        else:
            if "weekday" not in attrs:
                raise serializers.ValidationError({"weekday": ["Choose a day of the week."]})
            if "date" in attrs:
                raise serializers.ValidationError({"date": ["Weekly windows use start_date."]})
        return attrs


class BlockedDateCreateSerializer(ClosedSerializer):
    date = serializers.DateField()
    note = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


# --- Outputs ------------------------------------------------------------------------------


class SlotSerializer(serializers.ModelSerializer[Slot]):
    remaining = serializers.IntegerField(read_only=True)
    professional = serializers.IntegerField(source="professional_id", read_only=True)

    class Meta:
        model = Slot
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "capacity",
            "remaining",
            "mode",
            "address",
            "professional",
        ]
        read_only_fields = fields


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class CalendarBookingSerializer(serializers.ModelSerializer[Booking]):
    student = PersonSerializer(read_only=True)

    class Meta:
        model = Booking
        fields = ["id", "student", "note"]
        read_only_fields = fields


class CalendarSlotSerializer(SlotSerializer):
    bookings = CalendarBookingSerializer(source="confirmed_bookings", many=True, read_only=True)

    class Meta(SlotSerializer.Meta):
        fields = [*SlotSerializer.Meta.fields, "status", "booked_count", "bookings"]
        read_only_fields = fields


class BookingSerializer(serializers.ModelSerializer[Booking]):
    mode = serializers.CharField(source="slot.mode", read_only=True)
    address = serializers.CharField(source="slot.address", read_only=True)
    capacity = serializers.IntegerField(source="slot.capacity", read_only=True)
    professional = PersonSerializer(read_only=True)
    student = PersonSerializer(read_only=True)
    cancelled_by = serializers.SerializerMethodField()
    room_url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "slot",
            "status",
            "starts_at",
            "ends_at",
            "mode",
            "address",
            "capacity",
            "room_url",
            "professional",
            "student",
            "sequence",
            "created_at",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "note",
            "ics_url",
        ]
        read_only_fields = fields

    def get_cancelled_by(self, booking: Booking) -> str | None:
        if booking.cancelled_by_id is None:
            return None
        return "professional" if booking.cancelled_by_id == booking.professional_id else "student"

    def get_room_url(self, booking: Booking) -> str | None:
        viewer = self.context.get("viewer")
        if viewer is None:
            return None
        return meeting_room_url(slot=booking.slot, user=viewer)

    def get_ics_url(self, booking: Booking) -> str:
        return reverse("scheduling:api-booking-ics", args=[booking.pk])


class BookingRulesOutSerializer(serializers.ModelSerializer[BookingRules]):
    class Meta:
        model = BookingRules
        fields = ["min_notice_minutes", "horizon_days"]
        read_only_fields = fields


class WindowSerializer(serializers.ModelSerializer[AvailabilityWindow]):
    class Meta:
        model = AvailabilityWindow
        fields = [
            "id",
            "kind",
            "weekday",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "time_zone",
            "slot_minutes",
            "capacity",
            "mode",
            "address",
        ]
        read_only_fields = fields


class BlockedDateSerializer(serializers.ModelSerializer[BlockedDate]):
    class Meta:
        model = BlockedDate
        fields = ["id", "date", "note"]
        read_only_fields = fields


class AvailabilitySerializer(serializers.Serializer[Any]):
    time_zone = serializers.CharField(read_only=True)
    rules = BookingRulesOutSerializer(read_only=True)
    windows = WindowSerializer(many=True, read_only=True)
    blocked_dates = BlockedDateSerializer(many=True, read_only=True)


class CalendarFeedSerializer(serializers.Serializer[Any]):
    url = serializers.URLField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
