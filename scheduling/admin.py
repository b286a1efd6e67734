from django.contrib import admin

from scheduling.models import (
    AvailabilityWindow,
    BlockedDate,
    Booking,
    BookingRules,
    SentReminder,
    Slot,
)


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(admin.ModelAdmin[AvailabilityWindow]):
    list_display = ("professional", "kind", "weekday", "start_date", "start_time", "end_time")
    list_filter = ("kind", "mode")
    raw_id_fields = ("professional",)


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin[Slot]):
    list_display = ("professional", "starts_at", "capacity", "booked_count", "mode", "status")
    list_filter = ("status", "mode")
    raw_id_fields = ("professional", "window")
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin[Booking]):
    """Read-only: bookings change through the services, which keep slot counts right."""

    list_display = ("student", "professional", "starts_at", "status", "sequence")
    list_filter = ("status",)
    raw_id_fields = ("slot", "student", "professional", "cancelled_by")
    date_hierarchy = "starts_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: Booking | None = None) -> bool:
        return False


admin.site.register(BookingRules)
admin.site.register(BlockedDate)
admin.site.register(SentReminder)
