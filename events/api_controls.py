"""REST endpoints of the organiser running an event: the clock's controls (start, pause,
resume, next, end, extend, announce) and the read-outs (plan, live tables, summary, CSV report).

All of them are the event's organiser's only: someone who cannot see the event gets 404, a
participant 403 (events.access). Each control answers the event with its new state; a control
the state does not allow answers 409 (events/services/clock.py).
"""

from collections.abc import Callable

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from accounts.models import User
from events import reports, selectors
from events.access import access_event_as_organiser
from events.models import Event
from events.payloads import event_payload
from events.serializers import EVENT, LIVE, PLAN, AnnounceSerializer, ExtendSerializer
from events.services import clock

Control = Callable[..., Event]


def _control(request: Request, event_id: int, action: Control) -> Response:
    user = request_user(request)
    event = action(organiser=user, event_id=event_id)
    return Response(event_payload(event, None, user))


class EventStartView(APIView):
    @extend_schema(request=None, responses={200: EVENT})
    def post(self, request: Request, event_id: int) -> Response:
        """Plan every round with the checked-in people and begin round 1 (409 unless a draft
        with at least one checked-in professional and student)."""
        return _control(request, event_id, clock.event_start)


class EventPauseView(APIView):
    @extend_schema(request=None, responses={200: EVENT})
    def post(self, request: Request, event_id: int) -> Response:
        """Stop the clock, keeping what is left of the phase (409 unless live)."""
        return _control(request, event_id, clock.event_pause)


class EventResumeView(APIView):
    @extend_schema(request=None, responses={200: EVENT})
    def post(self, request: Request, event_id: int) -> Response:
        """Restart the clock with the time that was left (409 unless paused)."""
        return _control(request, event_id, clock.event_resume)


class EventNextView(APIView):
    @extend_schema(request=None, responses={200: EVENT})
    def post(self, request: Request, event_id: int) -> Response:
        """End the current phase now (409 unless live)."""
        return _control(request, event_id, clock.event_next)


class EventEndView(APIView):
    @extend_schema(request=None, responses={200: EVENT})
    def post(self, request: Request, event_id: int) -> Response:
        """End the event for everyone (409 for a draft or an ended event)."""
        return _control(request, event_id, clock.event_end)


class EventExtendView(APIView):
    @extend_schema(request=ExtendSerializer, responses={200: EVENT})
    def post(self, request: Request, event_id: int) -> Response:
        """Add 1..600 seconds to the current phase (live or paused)."""
        user = request_user(request)
        incoming = ExtendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = clock.event_extend(
            organiser=user, event_id=event_id, seconds=incoming.validated_data["seconds"]
        )
        return Response(event_payload(event, None, user))


class EventAnnounceView(APIView):
    @extend_schema(request=AnnounceSerializer, responses={200: EVENT})
    def post(self, request: Request, event_id: int) -> Response:
        """Send a text (1..500 characters) to everyone on the event's page."""
        user = request_user(request)
        incoming = AnnounceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = clock.event_announce(
            organiser=user, event_id=event_id, text=incoming.validated_data["text"]
        )
        return Response(event_payload(event, None, user))


def _organised(request: Request, event_id: int) -> tuple[User, Event]:
    user = request_user(request)
    return user, access_event_as_organiser(user=user, event_id=event_id)


class EventPlanView(APIView):
    @extend_schema(responses={200: PLAN})
    def get(self, request: Request, event_id: int) -> Response:
        """Every round's tables as planned (rounds played and to come)."""
        _user, event = _organised(request, event_id)
        return Response(selectors.plan_rounds(event))


class EventLiveView(APIView):
    @extend_schema(responses={200: LIVE})
    def get(self, request: Request, event_id: int) -> Response:
        """The dashboard: the clock, and each table of the current round with who is there
        (checked in; online, in the room) and who is missing, sitting out or not arrived."""
        _user, event = _organised(request, event_id)
        return Response(selectors.live_tables(event, timezone.now()))


class EventSummaryView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, event_id: int) -> Response:
        """The one-page summary: meetings held, professionals met per student, ratings,
        contact requests, no-shows."""
        _user, event = _organised(request, event_id)
        return Response(reports.event_summary(event))


class EventReportView(APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request: Request, event_id: int) -> HttpResponse:
        """Who met whom in which round, when, and the ratings: a CSV file (UTF-8)."""
        _user, event = _organised(request, event_id)
        response = HttpResponse(
            reports.report_csv(event).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-report.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
