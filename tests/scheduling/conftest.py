"""Scheduling fixtures: a verified professional, students, windows made through the service."""

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from scheduling.models import AvailabilityWindow, Mode, Slot, WindowKind
from scheduling.services import availability_window_add
from tests.browser.conftest import chromium, new_page  # noqa: F401  (for test_browser)
from tests.factories import UserFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
DASH = "\u2013"  # the en dash between two times on the pages


@pytest.fixture(autouse=True)
def _celery_eager(celery_eager: None) -> None:
    """Run scheduling's tasks in-process, so tests see their e-mails, also with REDIS_URL set
    (where tasks would otherwise wait in Redis for a worker that tests do not start)."""


@pytest.fixture
def pro(db: None) -> User:
    user: User = UserFactory.create(
        role="professional",
        verified=True,
        display_name="Camille Pro",
        email="camille@example.org",
        preferred_language="en",
    )
    return user


@pytest.fixture
def make_student(db: None) -> Callable[..., User]:
    def make(**fields: Any) -> User:
        defaults: dict[str, Any] = {
            "role": "student",
            "birth_year": 2010,
            "preferred_language": "en",
        }
        user: User = UserFactory.create(**{**defaults, **fields})
        if "email" not in fields:
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        return user

    return make


@pytest.fixture
def pupil(make_student: Callable[..., User]) -> User:
    return make_student(display_name="Yanis Student")


def new_user(**fields: Any) -> User:
    user: User = UserFactory.create(**fields)
    return user


def client_for(user: User) -> APIClient:
    # English messages whatever the default language (French): the tests read them.
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def local_day(days_ahead: int) -> dt.date:
    return timezone.now().astimezone(BRUSSELS).date() + dt.timedelta(days=days_ahead)


@pytest.fixture
def open_window(pro: User) -> Callable[..., AvailabilityWindow]:
    """A one-off window `days_ahead` days from today (Brussels), 18:00-19:00 by default."""

    def make(
        days_ahead: int = 3,
        start: str = "18:00",
        end: str = "19:00",
        minutes: int = 30,
        capacity: int = 1,
        mode: str = Mode.IN_PERSON,
        professional: User | None = None,
    ) -> AvailabilityWindow:
        return availability_window_add(
            professional=professional or pro,
            kind=WindowKind.ONE_OFF,
            start_date=local_day(days_ahead),
            start_time=dt.time.fromisoformat(start),
            end_time=dt.time.fromisoformat(end),
            slot_minutes=minutes,
            capacity=capacity,
            mode=mode,
            address="Rue Haute 1, 1000 Bruxelles" if mode == Mode.IN_PERSON else "",
        )

    return make


def slots_of(window: AvailabilityWindow) -> list[Slot]:
    return list(Slot.objects.filter(window=window).order_by("starts_at"))


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])
