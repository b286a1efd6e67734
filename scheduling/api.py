"""Scheduling REST endpoints: slots, bookings (.ics included), availability, calendar feed.

Each view validates its input, makes one service or selector call and answers in the caller's
time zone (ISO 8601 with the offset). Service errors map to 400, 403, 404 and 409.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user, require_professional
from accounts.models import User
from core.pagination import LookaheadPagination
from core.schema import ERROR_BODY, paginated
from scheduling import selectors, services
from scheduling.access import access_booking
from scheduling.ics import booking_ics, download_method
from scheduling.models import MAX_HORIZON_DAYS, CalendarFeed, WindowKind
from scheduling.serializers import (
    AvailabilitySerializer,
    BlockedDateCreateSerializer,
    BlockedDateSerializer,
    BookingCancelSerializer,
    BookingCreateSerializer,
    BookingListQuerySerializer,
    BookingRescheduleSerializer,
    BookingRulesOutSerializer,
    BookingRulesSerializer,
    BookingSerializer,
    CalendarFeedSerializer,
    CalendarSlotSerializer,
    RangeQuerySerializer,
    SlotQuerySerializer,
    SlotSerializer,
    WindowCreateSerializer,
    WindowSerializer,
)

MAX_RANGE = dt.timedelta(days=MAX_HORIZON_DAYS + 1)


def parse_bound(value: str, *, zone: ZoneInfo, field: str, end: bool) -> dt.datetime:
    """An ISO date (the day's start, or for `end` the next day's start, in `zone`) or an ISO
    datetime (in `zone` when it has no offset)."""
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            if end:
                day += dt.timedelta(days=1)
            return dt.datetime.combine(day, dt.time(), tzinfo=zone)
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise exceptions.ValidationError(
            {field: ["Give an ISO 8601 date (2027-03-30) or date and time."]}
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def time_range(
    params: dict[str, Any], *, user: User, default_days: int
) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(user.time_zone)
    now = timezone.now()
    start = (
        parse_bound(params["from"], zone=zone, field="from", end=False) if "from" in params else now
    )
    end = (
        parse_bound(params["to"], zone=zone, field="to", end=True)
        if "to" in params
        else start + dt.timedelta(days=default_days)
    )
    if end <= start:
        raise exceptions.ValidationError({"to": ["`to` must be after `from`."]})
    if end - start > MAX_RANGE:
        raise exceptions.ValidationError(
            {"to": [f"Ask for at most {MAX_HORIZON_DAYS} days at a time."]}
        )
    return start, end


def _booking_data(booking: Any, user: User, *, many: bool = False) -> Any:
    with timezone.override(ZoneInfo(user.time_zone)):
        return BookingSerializer(booking, many=many, context={"viewer": user}).data


RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.STR, description="ISO date or datetime"),
    OpenApiParameter("to", OpenApiTypes.STR, description="ISO date (inclusive) or datetime"),
]


_NO_SUCH_PROFESSIONAL = OpenApiResponse(
    ERROR_BODY, description="No bookable professional with this id."
)


class SlotListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("professional", OpenApiTypes.INT, required=True),
            *RANGE_PARAMETERS,
        ],
        responses={200: SlotSerializer(many=True), 404: _NO_SUCH_PROFESSIONAL},
    )
    def get(self, request: Request) -> Response:
        """The professional's bookable slots: a place left, after the minimum notice, within
        the horizon. Defaults to the whole horizon from now."""
        user = request_user(request)
        params = SlotQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        professional = selectors.bookable_professional(
            professional_id=params.validated_data["professional"]
        )
        if professional is None:
            raise exceptions.NotFound("No such professional.")
        start, end = time_range(params.validated_data, user=user, default_days=MAX_HORIZON_DAYS)
        slots = selectors.slot_list_bookable(
            professional=professional, start=start, end=end, now=timezone.now()
        )
        with timezone.override(ZoneInfo(user.time_zone)):
            return Response(SlotSerializer(slots, many=True).data)


class BookingListView(APIView):
    @extend_schema(
        operation_id="bookings_list",
        parameters=[BookingListQuerySerializer],
        responses={200: paginated(BookingSerializer, "Booking")},
    )
    def get(self, request: Request) -> Response:
        """The caller's meetings, as student or professional: upcoming or past."""
        user = request_user(request)
        params = BookingListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        bookings = selectors.booking_list(
            user=user, upcoming=params.validated_data["when"] == "upcoming", now=timezone.now()
        )
        paginator = LookaheadPagination()
        page = paginator.paginate_queryset(bookings, request, view=self)
        return paginator.get_paginated_response(_booking_data(page, user, many=True))

    @extend_schema(
        request=BookingCreateSerializer,
        responses={201: BookingSerializer},
    )
    def post(self, request: Request) -> Response:
        """A student books a place in a slot, with an optional `note` to the professional
        (at most 500 characters). 409 `conflict` when the slot is full or overlaps another of
        the student's bookings."""
        user = request_user(request)
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_create(
            student=user,
            slot_id=serializer.validated_data["slot"],
            note=serializer.validated_data["note"],
        )
        return Response(_booking_data(booking, user), status=status.HTTP_201_CREATED)


class BookingDetailView(APIView):
    @extend_schema(responses={200: BookingSerializer})
    def get(self, request: Request, booking_id: int) -> Response:
        user = request_user(request)
        booking = access_booking(user=user, booking_id=booking_id)
        return Response(_booking_data(booking, user))


class BookingCancelView(APIView):
    @extend_schema(request=BookingCancelSerializer, responses={200: BookingSerializer})
    def post(self, request: Request, booking_id: int) -> Response:
        """The student or the professional cancels, with a reason. 409 if already cancelled."""
        user = request_user(request)
        serializer = BookingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_cancel(
            user=user, booking_id=booking_id, reason=serializer.validated_data["reason"]
        )
        return Response(_booking_data(booking, user))


class BookingRescheduleView(APIView):
    @extend_schema(request=BookingRescheduleSerializer, responses={200: BookingSerializer})
    def post(self, request: Request, booking_id: int) -> Response:
        """The student moves the booking to another slot of the same professional."""
        user = request_user(request)
        serializer = BookingRescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_reschedule(
            student=user, booking_id=booking_id, slot_id=serializer.validated_data["slot"]
        )
        return Response(_booking_data(booking, user))


class BookingIcsView(APIView):
    @extend_schema(
        responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request, booking_id: int) -> HttpResponse:
        """The booking as an iCalendar file: METHOD:PUBLISH, or METHOD:CANCEL once cancelled."""
        user = request_user(request)
        booking = access_booking(user=user, booking_id=booking_id)
        body = booking_ics(booking=booking, viewer=user, method=download_method(booking))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="backstage-meeting-{booking.pk}.ics"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class AvailabilityView(APIView):
    @extend_schema(responses={200: AvailabilitySerializer})
    def get(self, request: Request) -> Response:
        """The caller's booking rules, windows and coming blocked days."""
        user = request_user(request)
        require_professional(user)
        today = timezone.now().astimezone(ZoneInfo(user.time_zone)).date()
        data = {
            "time_zone": user.time_zone,
            "rules": selectors.booking_rules_of(professional=user),
            "windows": selectors.windows_of(professional=user),
            "blocked_dates": selectors.blocked_dates_of(professional=user, today=today),
        }
        return Response(AvailabilitySerializer(data).data)


class BookingRulesView(APIView):
    @extend_schema(request=BookingRulesSerializer, responses={200: BookingRulesOutSerializer})
    def put(self, request: Request) -> Response:
        """Set the minimum notice (minutes) and how far ahead students may book (days)."""
        user = request_user(request)
        serializer = BookingRulesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rules = services.booking_rules_set(professional=user, **serializer.validated_data)
        return Response(BookingRulesOutSerializer(rules).data)


class WindowListView(APIView):
    @extend_schema(responses={200: WindowSerializer(many=True)})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        require_professional(user)
        return Response(WindowSerializer(selectors.windows_of(professional=user), many=True).data)

    @extend_schema(request=WindowCreateSerializer, responses={201: WindowSerializer})
    def post(self, request: Request) -> Response:
        """Open a weekly or one-off window (wall-clock times in the caller's time zone); its
        slots are made at once. 409 when it overlaps another window."""
        user = request_user(request)
        serializer = WindowCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        today = timezone.now().astimezone(ZoneInfo(user.time_zone)).date()
        if values["kind"] == WindowKind.ONE_OFF:
            values["start_date"] = values.pop("date")
        else:
            values.setdefault("start_date", today)
        window = services.availability_window_add(professional=user, **values)
        return Response(WindowSerializer(window).data, status=status.HTTP_201_CREATED)


class WindowDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, window_id: int) -> Response:
        """Remove a window: free slots go, booked ones stay until held or cancelled."""
        user = request_user(request)
        services.availability_window_remove(professional=user, window_id=window_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockedDateListView(APIView):
    @extend_schema(request=BlockedDateCreateSerializer, responses={201: BlockedDateSerializer})
    def post(self, request: Request) -> Response:
        """Block a day (holidays): its free slots are withdrawn."""
        user = request_user(request)
        serializer = BlockedDateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        blocked = services.blocked_date_add(professional=user, **serializer.validated_data)
        return Response(BlockedDateSerializer(blocked).data, status=status.HTTP_201_CREATED)


class BlockedDateDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, blocked_id: int) -> Response:
        user = request_user(request)
        services.blocked_date_remove(professional=user, blocked_id=blocked_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarView(APIView):
    @extend_schema(parameters=RANGE_PARAMETERS, responses={200: CalendarSlotSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """The caller's slots, free and booked, with who booked them (default: 28 days)."""
        user = request_user(request)
        require_professional(user)
        params = RangeQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        start, end = time_range(params.validated_data, user=user, default_days=28)
        slots = selectors.slot_calendar(professional=user, start=start, end=end)
        with timezone.override(ZoneInfo(user.time_zone)):
            return Response(CalendarSlotSerializer(slots, many=True).data)


def feed_url(request: Request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("scheduling:calendar_feed", args=[feed.token]))


class CalendarFeedView(APIView):
    @extend_schema(
        responses={
            200: CalendarFeedSerializer,
            404: OpenApiResponse(ERROR_BODY, description="No feed yet: POST makes one."),
        }
    )
    def get(self, request: Request) -> Response:
        """The caller's private feed URL (404 until made)."""
        user = request_user(request)
        feed = selectors.calendar_feed_of(user=user)
        if feed is None:
            raise exceptions.NotFound("You have no calendar feed yet: POST to make one.")
        return Response({"url": feed_url(request, feed), "created_at": feed.created_at})

    @extend_schema(request=None, responses={201: CalendarFeedSerializer})
    def post(self, request: Request) -> Response:
        """Make a new feed URL; any previous one stops working."""
        user = request_user(request)
        feed = services.calendar_feed_rotate(user=user)
        return Response(
            {"url": feed_url(request, feed), "created_at": feed.created_at},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the feed URL."""
        services.calendar_feed_revoke(user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
