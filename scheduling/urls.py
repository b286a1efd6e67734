"""Scheduling routes: the REST API under api/, the pages under meetings/."""

from django.urls import path

from scheduling import api
from scheduling.views import meetings, professional, student

app_name = "scheduling"

urlpatterns = [
    # REST API (api.md fixes the first three).
    path("api/slots/", api.SlotListView.as_view(), name="api-slots"),
    path("api/bookings/", api.BookingListView.as_view(), name="api-bookings"),
    path("api/bookings/<int:booking_id>/ics", api.BookingIcsView.as_view(), name="api-booking-ics"),
    path("api/bookings/<int:booking_id>/", api.BookingDetailView.as_view(), name="api-booking"),
    path(
        "api/bookings/<int:booking_id>/cancel/",
        api.BookingCancelView.as_view(),
        name="api-booking-cancel",
    ),
    path(
        "api/bookings/<int:booking_id>/reschedule/",
        api.BookingRescheduleView.as_view(),
        name="api-booking-reschedule",
    ),
    path("api/availability/", api.AvailabilityView.as_view(), name="api-availability"),
    path("api/availability/rules/", api.BookingRulesView.as_view(), name="api-booking-rules"),
    path("api/availability/windows/", api.WindowListView.as_view(), name="api-windows"),
    path(
        "api/availability/windows/<int:window_id>/",
        api.WindowDetailView.as_view(),
        name="api-window",
    ),
    path(
        "api/availability/blocked-dates/",
        api.BlockedDateListView.as_view(),
        name="api-blocked-dates",
    ),
    path(
        "api/availability/blocked-dates/<int:blocked_id>/",
        api.BlockedDateDetailView.as_view(),
        name="api-blocked-date",
    ),
    path("api/availability/calendar/", api.CalendarView.as_view(), name="api-calendar"),
    path("api/calendar-feed/", api.CalendarFeedView.as_view(), name="api-calendar-feed"),
    # Pages.
    path("meetings/", meetings.my_meetings, name="my_meetings"),
    path("meetings/availability/", professional.availability, name="availability"),
    path(
        "meetings/availability/rules/", professional.availability_rules, name="availability_rules"
    ),
    path(
        "meetings/availability/windows/<str:kind>/add/",
        professional.window_add,
        name="window_add",
    ),
    path(
        "meetings/availability/windows/<int:window_id>/remove/",
        professional.window_remove,
        name="window_remove",
    ),
    path("meetings/availability/days-off/", professional.blocked_add, name="blocked_add"),
    path(
        "meetings/availability/days-off/<int:blocked_id>/remove/",
        professional.blocked_remove,
        name="blocked_remove",
    ),
    path(
        "meetings/pro/<int:professional_id>/", student.professional_slots, name="professional_slots"
    ),
    path("meetings/slots/<int:slot_id>/book/", student.book, name="book"),
    path("meetings/<int:booking_id>/", meetings.booking_detail, name="booking_detail"),
    path("meetings/<int:booking_id>/cancel/", meetings.booking_cancel, name="booking_cancel"),
    path(
        "meetings/<int:booking_id>/reschedule/",
        meetings.booking_reschedule,
        name="booking_reschedule",
    ),
    path(
        "meetings/<int:booking_id>/reschedule/<int:slot_id>/",
        meetings.booking_reschedule_confirm,
        name="booking_reschedule_confirm",
    ),
    path("meetings/calendar-link/", meetings.feed_rotate, name="feed_rotate"),
    path("meetings/calendar-link/revoke/", meetings.feed_revoke, name="feed_revoke"),
    path("meetings/feed/<str:token>.ics", meetings.calendar_feed, name="calendar_feed"),
]
