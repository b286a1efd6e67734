"""A student's feedback on a meeting they had at an event, and the contact request it may ask.

Feedback is one row per (event, round, student), held by a unique constraint: a second try,
concurrent or not, is a `conflict`. Asking for contact goes through the chat's own service
(`chat.services.contact_request_create`), in the same transaction: if the chat refuses, the
feedback is kept and the refusal is reported beside it, since the rating stands on its own.
"""

from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from chat.selectors import contact_exists, contact_request_list
from chat.services import ChatError, contact_request_create
from core.parsers import bad_text_message, text_is_clean
from events.access import access_event, event_participant_of
from events.errors import EventError
from events.models import (
    COMMENT_MAX_LENGTH,
    Event,
    EventFeedback,
    EventSeat,
    EventStatus,
    ParticipantRole,
)

ContactOutcome = Literal["requested", "already", "refused"]


@dataclass(frozen=True)
class FeedbackResult:
    """The saved feedback; with `contact` asked, what became of the request: "requested" (a
    new pending request), "already" (in contact or asked before), "refused" (the chat said
    no: `contact_message` says why). `contact` is None when no contact was asked."""

    feedback: EventFeedback
    contact: ContactOutcome | None = None
    contact_message: str = ""


def _meeting_begun(event: Event, round_number: int) -> bool:
    # The clock's `round` is the last round whose meeting began; it stays there once the event
    # ends, so rounds planned but never played (an event ended early) take no feedback.
    return event.status != EventStatus.DRAFT and 1 <= round_number <= event.round


def _contact_message(event: Event, round_number: int, professional: User) -> str:
    # Written for the professional, who reads it in their own language.
    with translation.override(professional.preferred_language or "fr"):
        return _("We met at %(event)s (round %(round)s).") % {
            "event": event.title,
            "round": round_number,
        }


def _contact_ask(*, student: User, professional: User, message: str) -> tuple[ContactOutcome, str]:
    try:
        contact_request_create(student=student, professional=professional, message=message)
    except ChatError as error:
        if error.code == "conflict" and (
            contact_exists(user=student, other=professional)
            or contact_request_list(user=student, status="pending")
            .filter(professional=professional)
            .exists()
        ):
            return "already", ""
        # Anything else (too many pending requests, a professional no longer verified) is
        # the chat's refusal, told to the student as the chat words it.
        return "refused", error.message
    return "requested", ""


def feedback_give(
    *,
    student: User,
    event_id: int | str,
    round: int,
    rating: int,
    comment: str = "",
    contact: bool = False,
) -> FeedbackResult:
    """Record `student`'s rating (1..5) and comment (≤ COMMENT_MAX_LENGTH) of the meeting they
    sat in `round` of the event, once per round; with `contact`, ask that round's professional
    for contact (the chat's contact request, with a message naming the event and round).

    Raises EventError: `not_found` for an event the student cannot see or a round they did not
    sit; `forbidden` for a participant who is not a student (or the organiser); `bad_request`
    (field `rating` or `comment`) for a rating outside 1..5 or a comment too long; `conflict`
    for a meeting not begun yet or feedback already given for that round. A refused contact
    request is not an error: the feedback is saved and the result says why.
    """
    event = access_event(user=student, event_id=event_id)
    participant = event_participant_of(event=event, user=student)
    if participant is None or participant.role != ParticipantRole.STUDENT:
        raise EventError("forbidden", _("Only the event's students give feedback on meetings."))
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise EventError("bad_request", _("Give a rating from 1 to 5."), field="rating")
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX_LENGTH:
        raise EventError(
            "bad_request",
            _("The comment can be at most %(count)d characters long.")
            % {"count": COMMENT_MAX_LENGTH},
            field="comment",
        )
    if not text_is_clean(text):
        raise EventError("bad_request", bad_text_message(), field="comment")
    seat = (
        EventSeat.objects.select_related("table__professional")
        .filter(event=event, round=round, student=student)
        .first()
        if isinstance(round, int) and not isinstance(round, bool)
        else None
    )
    if seat is None:
        raise EventError("not_found", _("You did not sit this round."))
    if not _meeting_begun(event, round):
        raise EventError("conflict", _("This meeting has not started yet."))
    professional = seat.table.professional
    with transaction.atomic():
        try:
            with transaction.atomic():
                feedback = EventFeedback.objects.create(
                    event=event,
                    round=round,
                    student=student,
                    professional=professional,
                    rating=rating,
                    comment=text,
                    contact_requested=contact,
                )
        except IntegrityError:
            raise EventError(
                "conflict", _("You already gave your feedback on this meeting.")
            ) from None
        if not contact:
            return FeedbackResult(feedback=feedback)
        outcome, message = _contact_ask(
            student=student,
            professional=professional,
            message=_contact_message(event, round, professional),
        )
    return FeedbackResult(feedback=feedback, contact=outcome, contact_message=message)
