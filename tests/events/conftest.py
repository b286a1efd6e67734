"""Fixtures shared by the events tests: an organiser, and an event made through the service's
model defaults (tests that exercise creation call the service or the API themselves)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from events.models import Event, EventMode, EventParticipant, ParticipantRole


@pytest.fixture
def organiser(make_user: Callable[..., Any]) -> Any:
    return make_user(role="organiser")


@pytest.fixture
def make_event(organiser: Any) -> Callable[..., Event]:
    """An event in draft, one hour ahead: `make_event(rounds=3, students=[...], professionals=[...],
    checked_in=True)` also adds participants (checked in unless told otherwise)."""
    counter = iter(range(1, 1_000_000))

    def make(
        *,
        students: list[Any] = (),  # type: ignore[assignment]
        professionals: list[Any] = (),  # type: ignore[assignment]
        checked_in: bool = True,
        **fields: Any,
    ) -> Event:
        values: dict[str, Any] = {
            "title": "Career speed meetings",
            "organiser": organiser,
            "starts_at": timezone.now() + dt.timedelta(hours=1),
            "mode": EventMode.IN_PERSON,
            "venue": "Sports hall",
            "rounds": 3,
            "round_seconds": 300,
            "break_seconds": 60,
            "students_per_table": 2,
            "join_code": f"TEST{next(counter):06d}",
        }
        values.update(fields)
        event = Event.objects.create(**values)
        now = timezone.now() if checked_in else None
        for user in professionals:
            EventParticipant.objects.create(
                event=event, user=user, role=ParticipantRole.PROFESSIONAL, checked_in_at=now
            )
        for user in students:
            EventParticipant.objects.create(
                event=event, user=user, role=ParticipantRole.STUDENT, checked_in_at=now
            )
        return event

    return make
