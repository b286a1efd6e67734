"""REST endpoints of events: set-up (create, edit, people, check-in, forbidden pairs) and what
students do (join with a code, wishes, feedback). The clock's controls and the organiser's
read-outs are events/api_controls.py.

Each view validates its body with a serializer and makes one service call; an `EventError`
is answered by core.api_errors (400 with `fields`, 403, 404, 409). Someone who cannot see an
event gets 404; a participant who tries the organiser's operations gets 403.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import request_user
from events.access import access_event, access_event_as_organiser, events_visible_to
from events.models import EventParticipant, EventWish, ForbiddenPair
from events.payloads import event_payload, iso_datetime, person_payload
from events.serializers import (
    EVENT,
    EVENT_LIST,
    FEEDBACK,
    FORBIDDEN_PAIR,
    FORBIDDEN_PAIR_LIST,
    IMPORT_REPORT,
    PARTICIPANT,
    PARTICIPANT_LIST,
    WISHES,
    CheckInSerializer,
    EventWriteSerializer,
    FeedbackSerializer,
    ForbiddenPairSerializer,
    JoinSerializer,
    ParticipantAddSerializer,
    ParticipantImportSerializer,
    WishesSerializer,
)
from events.services import setup
from events.services.feedback import feedback_give


def participant_payload(participant: EventParticipant) -> dict[str, Any]:
    """A participant as the organiser's list shows it (the username: CSV files name people
    by it)."""
    return {
        "user": {**person_payload(participant.user), "username": participant.user.username},
        "role": participant.role,
        "checked_in": participant.checked_in_at is not None,
        "checked_in_at": iso_datetime(participant.checked_in_at),
    }


class EventListView(APIView):
    @extend_schema(operation_id="events_list", responses={200: EVENT_LIST})
    def get(self, request: Request) -> Response:
        """The events the caller organises or takes part in, soonest first."""
        user = request_user(request)
        events = (
            events_visible_to(user=user).select_related("organiser").order_by("starts_at", "pk")
        )
        now = timezone.now()
        return Response({"results": [event_payload(event, now, user) for event in events]})

    @extend_schema(request=EventWriteSerializer, responses={201: EVENT})
    def post(self, request: Request) -> Response:
        """An organiser creates an event (in draft, with a join code for students)."""
        user = request_user(request)
        incoming = EventWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = setup.event_create(organiser=user, **incoming.validated_data)
        return Response(event_payload(event, None, user), status=status.HTTP_201_CREATED)


class EventDetailView(APIView):
    @extend_schema(responses={200: EVENT})
    def get(self, request: Request, event_id: int) -> Response:
        """The event and its clock, for its organiser and participants."""
        user = request_user(request)
        return Response(event_payload(access_event(user=user, event_id=event_id), None, user))

    @extend_schema(request=EventWriteSerializer(partial=True), responses={200: EVENT})
    def patch(self, request: Request, event_id: int) -> Response:
        """The organiser edits the event before it starts (409 after)."""
        user = request_user(request)
        incoming = EventWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        event = setup.event_update(organiser=user, event_id=event_id, **incoming.validated_data)
        return Response(event_payload(event, None, user))


class ParticipantListView(APIView):
    @extend_schema(responses={200: PARTICIPANT_LIST})
    def get(self, request: Request, event_id: int) -> Response:
        """The organiser's list of the event's people, with their check-in."""
        event = access_event_as_organiser(user=request_user(request), event_id=event_id)
        participants = (
            EventParticipant.objects.filter(event=event).select_related("user").order_by("pk")
        )
        return Response({"results": [participant_payload(p) for p in participants]})

    @extend_schema(request=ParticipantAddSerializer, responses={201: PARTICIPANT})
    def post(self, request: Request, event_id: int) -> Response:
        """The organiser adds a student or a verified professional (409 if in already)."""
        incoming = ParticipantAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        participant = setup.participant_add(
            organiser=request_user(request),
            event_id=event_id,
            user_id=incoming.validated_data["user"],
            role=incoming.validated_data["role"],
        )
        return Response(participant_payload(participant), status=status.HTTP_201_CREATED)


class ParticipantDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, event_id: int, user_id: int) -> Response:
        """The organiser takes someone out (409 once they met others at the event)."""
        setup.participant_remove(
            organiser=request_user(request), event_id=event_id, user_id=user_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ParticipantImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ParticipantImportSerializer},
        responses={200: IMPORT_REPORT},
    )
    def post(self, request: Request, event_id: int) -> Response:
        """The organiser adds people from a CSV file (`username,role`): the good rows are
        added, the others reported with their line."""
        user = request_user(request)
        # Who may import is checked before the file is read.
        access_event_as_organiser(user=user, event_id=event_id)
        incoming = ParticipantImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # One byte past the limit is enough for the service to refuse the file.
        data = incoming.validated_data["file"].read(setup.MAX_IMPORT_BYTES + 1)
        report = setup.participants_import(organiser=user, event_id=event_id, text=data)
        return Response({"added": report.added, "errors": report.errors})


class CheckInView(APIView):
    @extend_schema(request=CheckInSerializer, responses={200: PARTICIPANT})
    def post(self, request: Request, event_id: int) -> Response:
        """The organiser checks a participant in (`checked_in: false` undoes it in draft);
        during the event a latecomer joins from the next round."""
        incoming = CheckInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        participant = setup.participant_check_in(
            organiser=request_user(request),
            event_id=event_id,
            user_id=incoming.validated_data["user"],
            checked_in=incoming.validated_data["checked_in"],
        )
        return Response(participant_payload(participant))


def forbidden_pair_payload(pair: ForbiddenPair) -> dict[str, Any]:
    return {
        "professional": person_payload(pair.professional),
        "student": person_payload(pair.student),
    }


class ForbiddenPairView(APIView):
    @extend_schema(responses={200: FORBIDDEN_PAIR_LIST})
    def get(self, request: Request, event_id: int) -> Response:
        """The pairs the organiser keeps apart."""
        event = access_event_as_organiser(user=request_user(request), event_id=event_id)
        pairs = (
            ForbiddenPair.objects.filter(event=event)
            .select_related("professional", "student")
            .order_by("pk")
        )
        return Response({"results": [forbidden_pair_payload(pair) for pair in pairs]})

    @extend_schema(request=ForbiddenPairSerializer, responses={201: FORBIDDEN_PAIR})
    def post(self, request: Request, event_id: int) -> Response:
        """The organiser says a professional and a student of the event must not meet."""
        incoming = ForbiddenPairSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        pair = setup.forbidden_pair_add(
            organiser=request_user(request),
            event_id=event_id,
            professional_id=incoming.validated_data["professional"],
            student_id=incoming.validated_data["student"],
        )
        return Response(forbidden_pair_payload(pair), status=status.HTTP_201_CREATED)

    @extend_schema(request=ForbiddenPairSerializer, responses={204: None})
    def delete(self, request: Request, event_id: int) -> Response:
        """The organiser lets the two meet again."""
        incoming = ForbiddenPairSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        setup.forbidden_pair_remove(
            organiser=request_user(request),
            event_id=event_id,
            professional_id=incoming.validated_data["professional"],
            student_id=incoming.validated_data["student"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class JoinView(APIView):
    @extend_schema(request=JoinSerializer, responses={200: EVENT})
    def post(self, request: Request) -> Response:
        """A student joins an event with its code (joining again is harmless); 404 for a code
        of no event."""
        user = request_user(request)
        incoming = JoinSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        participant = setup.event_join_with_code(student=user, code=incoming.validated_data["code"])
        return Response(event_payload(participant.event, None, user))


def _wishes(event_id: int, student_id: int) -> list[int]:
    return list(
        EventWish.objects.filter(event_id=event_id, student_id=student_id)
        .order_by("rank")
        .values_list("sector_id", flat=True)
    )


class WishesView(APIView):
    @extend_schema(responses={200: WISHES})
    def get(self, request: Request, event_id: int) -> Response:
        """The caller's wishes for the event, the most wanted first."""
        user = request_user(request)
        event = access_event(user=user, event_id=event_id)
        return Response({"sectors": _wishes(event.pk, user.pk)})

    @extend_schema(request=WishesSerializer, responses={200: WISHES})
    def put(self, request: Request, event_id: int) -> Response:
        """A student of the event picks up to four sectors before it starts (the list
        replaces the one before)."""
        user = request_user(request)
        incoming = WishesSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        wishes = setup.wishes_set(
            student=user, event_id=event_id, sector_ids=incoming.validated_data["sectors"]
        )
        return Response({"sectors": [wish.sector_id for wish in wishes]})


class FeedbackView(APIView):
    @extend_schema(request=FeedbackSerializer, responses={201: FEEDBACK})
    def post(self, request: Request, event_id: int) -> Response:
        """A student rates a meeting they sat (once per round); `contact: true` asks that
        round's professional for contact (a contact request of the chat)."""
        incoming = FeedbackSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = feedback_give(
            student=request_user(request), event_id=event_id, **incoming.validated_data
        )
        feedback = result.feedback
        body = {
            "id": feedback.pk,
            "round": feedback.round,
            "rating": feedback.rating,
            "comment": feedback.comment,
            "contact": result.contact,
            "contact_message": result.contact_message,
        }
        return Response(body, status=status.HTTP_201_CREATED)
