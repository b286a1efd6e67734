"""Reminders 24 h and 15 min before: once each, with retries, duplicates and concurrency."""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from scheduling import tasks
from scheduling.models import Booking, BookingRules, Mode, ReminderKind, SentReminder, Slot
from scheduling.services import booking_cancel, booking_create, booking_reschedule
from scheduling.services.reminders import (
    CLAIM_LEASE,
    reminder_deliver,
    reminders_due,
    reminders_send_due,
)
from tests.scheduling.conftest import new_user

DAY = ReminderKind.DAY_BEFORE
QUARTER = ReminderKind.QUARTER_HOUR


def make_slot(pro: User, starts_in: dt.timedelta, minutes: int = 30) -> Slot:
    starts_at = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    return Slot.objects.create(
        professional=pro,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        capacity=1,
        mode=Mode.VIRTUAL,
    )


def booked(pro: User, student: User, starts_in: dt.timedelta, booked_ago: dt.timedelta) -> Booking:
    """A booking whose time was chosen `booked_ago` (so its reminders are due after that)."""
    BookingRules.objects.get_or_create(
        professional=pro, defaults={"min_notice_minutes": 0, "horizon_days": 60}
    )
    slot = make_slot(pro, starts_in)
    return booking_create(student=student, slot_id=slot.pk, now=timezone.now() - booked_ago)


def another_pro() -> User:
    user: User = new_user(role="professional", verified=True, email="other@example.org")
    return user


@pytest.fixture
def soon(pro: User, pupil: User) -> Booking:
    """A meeting in 23 h 50 min, booked two days ago: its 24-hour reminder is due."""
    return booked(pro, pupil, dt.timedelta(hours=23, minutes=50), dt.timedelta(days=2))


@pytest.mark.django_db
def test_a_reminder_is_sent_once_however_often_it_runs(
    soon: Booking, pupil: User, pro: User
) -> None:
    assert reminder_deliver(booking_id=soon.pk, kind=DAY, starts_at=soon.starts_at) is True
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pupil.email, pro.email])
    assert all(
        m.subject == f"Reminder: meeting with {name} tomorrow"
        for m, name in [
            (m, "Camille Pro" if m.to == [pupil.email] else "Yanis Student") for m in mail.outbox
        ]
    )
    # A retry, a duplicated task, the catch-up job: nothing more.
    assert reminder_deliver(booking_id=soon.pk, kind=DAY, starts_at=soon.starts_at) is False
    tasks.send_booking_reminder.apply(args=(soon.pk, DAY, soon.starts_at.isoformat()))
    assert reminders_send_due() == 0
    assert len(mail.outbox) == 2
    record = SentReminder.objects.get()
    assert (record.kind, record.starts_at, record.sent_at is not None) == (
        DAY,
        soon.starts_at,
        True,
    )


@pytest.mark.django_db
def test_the_celery_task_retried_sends_once(soon: Booking) -> None:
    for _attempt in range(3):
        tasks.send_booking_reminder.apply(args=(soon.pk, DAY, soon.starts_at.isoformat()))
    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_send_once(pro: User, pupil: User) -> None:
    booking = booked(pro, pupil, dt.timedelta(minutes=10), dt.timedelta(days=1))
    mail.outbox.clear()  # the booking's own e-mails (sent at commit here)
    workers = 8
    barrier = threading.Barrier(workers)
    results: list[bool] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(
                reminder_deliver(booking_id=booking.pk, kind=QUARTER, starts_at=booking.starts_at)
            )
        except BaseException as exc:  # report in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False] * (workers - 1) + [True]
    assert len(mail.outbox) == 2
    assert [m.subject for m in mail.outbox if m.to == [pupil.email]] == [
        "Reminder: meeting with Camille Pro in 15 minutes"
    ]


@pytest.mark.django_db
def test_the_catch_up_job_sends_what_is_due_once(
    pro: User, make_student: Callable[..., User]
) -> None:
    day = booked(pro, make_student(), dt.timedelta(hours=23), dt.timedelta(days=3))
    quarter = booked(pro, make_student(), dt.timedelta(minutes=14), dt.timedelta(days=3))
    booked(pro, make_student(), dt.timedelta(hours=30), dt.timedelta(days=3))  # not due yet
    due = reminders_due(now=timezone.now())
    assert sorted((pk, kind) for pk, kind, _at in due) == sorted(
        [(day.pk, DAY), (quarter.pk, QUARTER)]
    )
    assert reminders_send_due() == 2
    assert len(mail.outbox) == 4
    assert reminders_send_due() == 0
    call_command("send_due_reminders")
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_no_reminder_that_would_be_wrong(pro: User, make_student: Callable[..., User]) -> None:
    # Booked 3 hours ahead: no "tomorrow" reminder, only the 15-minute one later.
    late = booked(pro, make_student(), dt.timedelta(hours=3), dt.timedelta(minutes=1))
    assert reminder_deliver(booking_id=late.pk, kind=DAY, starts_at=late.starts_at) is False
    # The 24-hour reminder of a meeting 10 minutes away would come after the 15-minute one.
    close = booked(pro, make_student(), dt.timedelta(minutes=10), dt.timedelta(days=2))
    assert reminder_deliver(booking_id=close.pk, kind=DAY, starts_at=close.starts_at) is False
    # Not due yet.
    far = booked(pro, make_student(), dt.timedelta(hours=30), dt.timedelta(days=2))
    assert reminder_deliver(booking_id=far.pk, kind=DAY, starts_at=far.starts_at) is False
    # Cancelled (another professional: a professional's slots never overlap).
    gone = booked(another_pro(), make_student(), dt.timedelta(minutes=12), dt.timedelta(days=2))
    booking_cancel(user=gone.professional, booking_id=gone.pk, reason="Ill")
    assert reminder_deliver(booking_id=gone.pk, kind=QUARTER, starts_at=gone.starts_at) is False
    assert mail.outbox == []
    assert not SentReminder.objects.exists()
    # What is right to send now: only the 15-minute reminder of the meeting 10 minutes away.
    assert reminders_send_due() == 1
    assert list(SentReminder.objects.values_list("booking_id", "kind")) == [(close.pk, QUARTER)]


@pytest.mark.django_db
def test_a_moved_meeting_is_reminded_at_its_new_time(pro: User, pupil: User) -> None:
    booking = booked(pro, pupil, dt.timedelta(minutes=10), dt.timedelta(days=2))
    assert reminder_deliver(booking_id=booking.pk, kind=QUARTER, starts_at=booking.starts_at)
    old_start = booking.starts_at
    later = make_slot(pro, dt.timedelta(minutes=50))
    booking_reschedule(student=pupil, booking_id=booking.pk, slot_id=later.pk)
    # The task queued for the old time finds the meeting moved and sends nothing.
    assert not reminder_deliver(booking_id=booking.pk, kind=QUARTER, starts_at=old_start)
    moved = Booking.objects.get(pk=booking.pk)
    in_40_minutes = timezone.now() + dt.timedelta(minutes=40)
    assert reminders_send_due(now=in_40_minutes) == 1
    assert SentReminder.objects.filter(booking=booking).count() == 2
    assert SentReminder.objects.filter(starts_at=moved.starts_at).exists()


@pytest.mark.django_db
def test_a_stale_claim_is_taken_over_and_a_fresh_one_is_respected(
    pro: User, make_student: Callable[..., User]
) -> None:
    crashed = booked(pro, make_student(), dt.timedelta(minutes=10), dt.timedelta(days=2))
    busy = booked(another_pro(), make_student(), dt.timedelta(minutes=11), dt.timedelta(days=2))
    now = timezone.now()
    SentReminder.objects.create(
        booking=crashed, kind=QUARTER, starts_at=crashed.starts_at, claimed_at=now - CLAIM_LEASE * 2
    )
    SentReminder.objects.create(
        booking=busy,
        kind=QUARTER,
        starts_at=busy.starts_at,
        claimed_at=now - dt.timedelta(minutes=1),
    )
    assert reminders_send_due() == 1
    assert {m.to[0] for m in mail.outbox} == {crashed.student.email, pro.email}
    assert busy.professional.email not in {m.to[0] for m in mail.outbox}
    assert SentReminder.objects.get(booking=crashed).sent_at is not None
    assert SentReminder.objects.get(booking=busy).sent_at is None


@pytest.mark.django_db
def test_reminder_tasks_get_an_eta_in_production_and_none_in_embedded_mode(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple[Any, dt.datetime]] = []
    monkeypatch.setattr(
        tasks.send_booking_reminder,
        "apply_async",
        lambda args, eta: queued.append((args, eta)),
    )
    starts_at = timezone.now() + dt.timedelta(days=3)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert tasks.enqueue_reminders(booking_id=7, starts_at=starts_at) == 0
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert tasks.enqueue_reminders(booking_id=7, starts_at=starts_at) == 2
    assert queued == [
        ((7, DAY, starts_at.isoformat()), starts_at - dt.timedelta(hours=24)),
        ((7, QUARTER, starts_at.isoformat()), starts_at - dt.timedelta(minutes=15)),
    ]
    queued.clear()
    tasks.enqueue_reminders(booking_id=8, starts_at=timezone.now() + dt.timedelta(hours=2))
    assert [args[1] for args, _eta in queued] == [QUARTER]
