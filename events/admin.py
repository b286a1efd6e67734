"""Staff's view of events. The clock, the plan and feedback change through the services only
(a hand-edited round or seat would break the plan's rules and the pushes), so those are
read-only here; the event's details and its participants' check-in stay editable."""

from typing import Any

from django.contrib import admin

from events.models import (
    Event,
    EventFeedback,
    EventParticipant,
    EventPhaseLog,
    EventSeat,
    EventTable,
    EventWish,
    ForbiddenPair,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class ParticipantInline(admin.TabularInline[EventParticipant, Event]):
    model = EventParticipant
    raw_id_fields = ("user",)
    fields = ("user", "role", "checked_in_at")
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("title", "organiser", "starts_at", "mode", "status", "round", "phase")
    list_filter = ("status", "mode")
    search_fields = ("title", "organiser__username", "join_code")
    raw_id_fields = ("organiser",)
    date_hierarchy = "starts_at"
    readonly_fields = (
        "status",
        "round",
        "phase",
        "phase_ends_at",
        "paused_remaining",
        "planned_for",
        "seed",
        "started_at",
        "ended_at",
        "reminder_sent_at",
    )
    inlines = (ParticipantInline,)


@admin.register(EventTable)
class EventTableAdmin(ReadOnlyAdmin):
    list_display = ("event", "round", "table", "professional", "room")
    list_filter = ("round",)
    raw_id_fields = ("event", "professional", "room")


@admin.register(EventSeat)
class EventSeatAdmin(ReadOnlyAdmin):
    list_display = ("event", "round", "table", "student")
    raw_id_fields = ("event", "table", "student")


@admin.register(EventFeedback)
class EventFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("event", "round", "student", "professional", "rating", "contact_requested")
    list_filter = ("rating", "contact_requested")
    raw_id_fields = ("event", "student", "professional")


@admin.register(EventPhaseLog)
class EventPhaseLogAdmin(ReadOnlyAdmin):
    list_display = ("event", "round", "phase", "started_at")
    raw_id_fields = ("event",)


admin.site.register(ForbiddenPair, raw_id_fields=("event", "professional", "student"))
admin.site.register(EventWish, raw_id_fields=("event", "student", "sector"))
