"""Feedback after a meeting: who may give it and when, once per round, and the contact request
it may ask, really made in the chat (pending, in the professional's inbox)."""

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.notifications.models import Notification, NotificationKind
from chat.models import ContactStatus
from chat.selectors import contact_request_list
from chat.services import contact_request_create
from events.errors import EventError
from events.models import (
    Event,
    EventFeedback,
    EventPhaseLog,
    EventSeat,
    EventStatus,
    EventTable,
    Phase,
)
from events.services.feedback import feedback_give

Plan = Sequence[Sequence[tuple[User, Sequence[User]]]]


def seat_rounds(
    event: Event,
    plan: Plan,
    *,
    played: int | None = None,
    status: str = EventStatus.LIVE,
    start: dt.datetime | None = None,
) -> Event:
    """Write `plan` (per round, each table's professional and students) as the clock and the
    planner would: tables and seats for every round, a meeting log row for each of the first
    `played` rounds (all by default), and the event's clock on the last played round."""
    played = len(plan) if played is None else played
    start = start or timezone.now() - dt.timedelta(hours=1)
    for number, tables in enumerate(plan, start=1):
        for table_number, (professional, students) in enumerate(tables, start=1):
            table = EventTable.objects.create(
                event=event, round=number, table=table_number, professional=professional
            )
            EventSeat.objects.bulk_create(
                EventSeat(table=table, event=event, round=number, student=student)
                for student in students
            )
        if number <= played:
            EventPhaseLog.objects.create(
                event=event,
                round=number,
                phase=Phase.MEETING,
                started_at=start + dt.timedelta(minutes=10 * (number - 1)),
            )
    event.status = status
    event.round = played
    event.phase = Phase.MEETING if status != EventStatus.ENDED else None
    event.started_at = start
    event.ended_at = timezone.now() if status == EventStatus.ENDED else None
    event.save()
    return event


@pytest.fixture
def pros(make_user: Callable[..., Any]) -> list[User]:
    return [
        make_user(role="professional", verified=True, preferred_language="en") for _ in range(2)
    ]


@pytest.fixture
def pupils(make_user: Callable[..., Any]) -> list[User]:
    return [make_user(role="student", birth_year=2009) for _ in range(2)]


@pytest.fixture
def event(make_event: Callable[..., Event], pros: list[User], pupils: list[User]) -> Event:
    """Round 1 and 2 played (the two pros swap the two pupils), round 3 planned, not begun."""
    made = make_event(rounds=3, students=pupils, professionals=pros)
    a, b = pros
    x, y = pupils
    return seat_rounds(made, [[(a, [x]), (b, [y])], [(a, [y]), (b, [x])], [(a, [x])]], played=2)


def refused(code: str, **call: Any) -> EventError:
    with pytest.raises(EventError) as caught:
        feedback_give(**call)
    assert caught.value.code == code, caught.value
    return caught.value


@pytest.mark.django_db
def test_feedback_is_saved_for_a_round_sat(
    event: Event, pros: list[User], pupils: list[User]
) -> None:
    result = feedback_give(
        student=pupils[0], event_id=event.pk, round=2, rating=4, comment="  Really helpful. "
    )
    assert (result.contact, result.contact_message) == (None, "")
    saved = EventFeedback.objects.get()
    assert saved == result.feedback
    assert (saved.round, saved.student, saved.professional) == (2, pupils[0], pros[1])
    assert (saved.rating, saved.comment, saved.contact_requested) == (4, "Really helpful.", False)
    assert not contact_request_list(user=pros[1]).exists()


@pytest.mark.django_db
def test_contact_asked_becomes_a_pending_request_the_professional_sees(
    event: Event, pros: list[User], pupils: list[User]
) -> None:
    result = feedback_give(student=pupils[0], event_id=event.pk, round=1, rating=5, contact=True)
    assert (result.contact, result.contact_message) == ("requested", "")
    assert result.feedback.contact_requested
    pending = list(contact_request_list(user=pros[0], status=ContactStatus.PENDING))
    assert [request.student for request in pending] == [pupils[0]]
    # Composed for the professional, in their language (theirs is English here).
    assert pending[0].message == "We met at Career speed meetings (round 1)."
    assert Notification.objects.filter(
        user=pros[0], kind=NotificationKind.CONTACT_REQUESTED
    ).exists()
    assert not contact_request_list(user=pros[1]).exists()


@pytest.mark.django_db
def test_contact_message_follows_the_professional_s_language(
    event: Event, pros: list[User], pupils: list[User]
) -> None:
    pros[1].preferred_language = "fr"
    pros[1].save(update_fields=["preferred_language"])
    with translation.override("fr"):
        french = gettext("We met at %(event)s (round %(round)s).") % {
            "event": "Career speed meetings",
            "round": 1,
        }
    # The student's request runs in English; the message is the professional's French.
    with translation.override("en"):
        feedback_give(student=pupils[1], event_id=event.pk, round=1, rating=3, contact=True)
    assert contact_request_list(user=pros[1]).get().message == french


@pytest.mark.django_db
def test_contact_already_asked_is_no_error_and_the_feedback_stays(
    event: Event, pros: list[User], pupils: list[User]
) -> None:
    contact_request_create(student=pupils[0], professional=pros[0], message="Hello!")
    result = feedback_give(student=pupils[0], event_id=event.pk, round=1, rating=5, contact=True)
    assert (result.contact, result.contact_message) == ("already", "")
    assert EventFeedback.objects.filter(pk=result.feedback.pk, contact_requested=True).exists()
    assert contact_request_list(user=pros[0]).count() == 1


@pytest.mark.django_db
def test_contact_the_chat_refuses_is_reported_and_the_feedback_stays(
    event: Event, pros: list[User], pupils: list[User], settings: Any
) -> None:
    # One pending request at a time: the student's request to the other pro fills it.
    settings.CHAT_MAX_PENDING_REQUESTS = 1
    contact_request_create(student=pupils[0], professional=pros[1], message="Hello!")
    result = feedback_give(student=pupils[0], event_id=event.pk, round=1, rating=2, contact=True)
    assert result.contact == "refused"
    assert "pending requests" in result.contact_message
    assert EventFeedback.objects.filter(pk=result.feedback.pk).exists()
    assert not contact_request_list(user=pros[0]).exists()
    # A professional whose verification was withdrawn since cannot be asked either.
    pros[1].verified = False
    pros[1].save(update_fields=["verified"])
    result = feedback_give(student=pupils[1], event_id=event.pk, round=1, rating=4, contact=True)
    assert result.contact == "refused" and result.contact_message
    assert EventFeedback.objects.count() == 2


@pytest.mark.django_db
def test_feedback_once_per_round(event: Event, pupils: list[User]) -> None:
    feedback_give(student=pupils[0], event_id=event.pk, round=1, rating=5)
    refused("conflict", student=pupils[0], event_id=event.pk, round=1, rating=1, contact=True)
    assert EventFeedback.objects.get().rating == 5
    feedback_give(student=pupils[0], event_id=event.pk, round=2, rating=1)
    assert EventFeedback.objects.count() == 2


@pytest.mark.django_db
def test_rounds_not_sat_and_not_begun(
    event: Event, make_user: Callable[..., Any], pros: list[User], pupils: list[User]
) -> None:
    # Round 3 is planned (pupil 0 has a seat) but its meeting has not begun.
    with translation.override("en"):
        error = refused("conflict", student=pupils[0], event_id=event.pk, round=3, rating=4)
    assert "not started" in error.message
    # Pupil 1 sits out round 3; round 9 and round 0 do not exist.
    for round_number in (3, 9, 0, -1, 10**20):
        refused("not_found", student=pupils[1], event_id=event.pk, round=round_number, rating=4)
    refused("not_found", student=pupils[1], event_id=event.pk, round="1", rating=4)
    assert not EventFeedback.objects.exists()


@pytest.mark.django_db
def test_who_may_give_feedback(
    event: Event, make_user: Callable[..., Any], pros: list[User], organiser: User
) -> None:
    outsider = make_user(role="student")
    refused("not_found", student=outsider, event_id=event.pk, round=1, rating=4)
    refused("not_found", student=outsider, event_id=event.pk + 1000, round=1, rating=4)
    refused("not_found", student=outsider, event_id="1;drop", round=1, rating=4)
    refused("forbidden", student=pros[0], event_id=event.pk, round=1, rating=4)
    refused("forbidden", student=organiser, event_id=event.pk, round=1, rating=4)
    assert not EventFeedback.objects.exists()


@pytest.mark.django_db
def test_bad_rating_or_comment_changes_nothing(event: Event, pupils: list[User]) -> None:
    call: dict[str, Any] = {"student": pupils[0], "event_id": event.pk, "round": 1}
    for rating in (0, 6, -1, True, "5", 4.5, None):
        assert refused("bad_request", **call, rating=rating).field == "rating"
    error = refused("bad_request", **call, rating=3, comment="x" * 501, contact=True)
    assert error.field == "comment"
    assert refused("bad_request", **call, rating=3, comment="a\x00b").field == "comment"
    assert refused("bad_request", **call, rating=3, comment="\ud800").field == "comment"
    assert not EventFeedback.objects.exists()
    assert not contact_request_list(user=pupils[0]).exists()
    # The limits themselves are fine.
    feedback_give(**call, rating=1, comment="y" * 500)
    assert EventFeedback.objects.get().comment == "y" * 500


@pytest.mark.django_db
def test_feedback_after_the_event_ended_but_not_on_rounds_never_played(
    make_event: Callable[..., Event], pros: list[User], pupils: list[User]
) -> None:
    a, b = pros
    x, y = pupils
    event = make_event(rounds=3, students=pupils, professionals=pros)
    # Ended early, during round 2: round 3 was planned and never played.
    seat_rounds(
        event,
        [[(a, [x]), (b, [y])], [(a, [y]), (b, [x])], [(a, [x]), (b, [y])]],
        played=2,
        status=EventStatus.ENDED,
    )
    feedback_give(student=x, event_id=event.pk, round=2, rating=3)
    refused("conflict", student=x, event_id=event.pk, round=3, rating=3)
    assert list(EventFeedback.objects.values_list("round", flat=True)) == [2]


@pytest.mark.django_db
def test_draft_event_takes_no_feedback(
    make_event: Callable[..., Event], pros: list[User], pupils: list[User]
) -> None:
    event = make_event(rounds=1, students=pupils, professionals=pros)
    # A plan stored before the start (the clock plans at Start, but a draft must say no anyway).
    seat_rounds(event, [[(pros[0], pupils)]], played=0, status=EventStatus.DRAFT)
    refused("conflict", student=pupils[0], event_id=event.pk, round=1, rating=3)


@pytest.mark.django_db(transaction=True)
def test_two_feedbacks_at_once_for_one_round_make_one_row(
    make_event: Callable[..., Event], pros: list[User], pupils: list[User]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel writers: set DATABASE_URL to a PostgreSQL database")
    event = seat_rounds(
        make_event(rounds=1, students=pupils, professionals=pros),
        [[(pros[0], [pupils[0]]), (pros[1], [pupils[1]])]],
    )
    barrier = threading.Barrier(4)
    outcomes: list[Any] = []

    def give(rating: int) -> None:
        try:
            barrier.wait()
            result = feedback_give(
                student=pupils[0], event_id=event.pk, round=1, rating=rating, contact=True
            )
            outcomes.append(result.contact)
        except EventError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=give, args=(rating,)) for rating in (2, 3, 4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "requested"]
    assert EventFeedback.objects.count() == 1
    assert contact_request_list(user=pros[0]).count() == 1
