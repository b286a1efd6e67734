"""schemathesis against /api/schema/: every operation, fuzzed, answers within its schema.

The schema is the one the app serves; requests go to the app in this process (Django's test
request handler behind a WSGI callable, so each test's database transaction holds). Every
operation is called as a student and as a verified professional, the sign-up and sign-in
endpoints also anonymously, with a few rows in the database for the ids in paths to find.
Checks: no 5xx, only documented status codes, bodies and content types as documented.
Derandomized and bounded, so CI repeats the same run: about 50 s of CPU on SQLite.

Run alone: `.venv/bin/pytest tests/config/test_api_schema_fuzz.py`.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
import schemathesis
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test.client import ClientHandler
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from tests.factories import UserFactory, make_witness

# Random examples per operation and role in the fuzzing phase; the coverage phase adds its
# deterministic cases (boundaries and each input made invalid in turn), about 25 more.
MAX_EXAMPLES = 6
SEED = 18

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class InProcessApp:
    """A WSGI callable over Django's test request handler: the project serves ASGI only, and
    the test handler (unlike WSGIHandler) keeps the test's transaction open across requests,
    so the fixtures' rows are seen and everything is rolled back afterwards."""

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = cast(HttpResponseBase, self.handler(environ))
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        if isinstance(response, StreamingHttpResponse):
            return cast(Iterable[bytes], response.streaming_content)
        assert isinstance(response, HttpResponse)
        return [response.content]


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        # Hypothesis times its generation: on a loaded CI machine `too_slow` would fail the run.
        # The function-scoped database is meant too: rows may change between examples.
        "suppress-health-check": ["all"],
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        # Undocumented methods answer DRF's 405 and are not what this test checks.
        "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": []}},
    }
)
APP = InProcessApp()
schema = schemathesis.openapi.from_wsgi("/api/schema/", APP, config=CONFIG)


@dataclass
class World:
    """The rows a fuzzed request can hit, and a token per role."""

    tokens: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": f"Token {token}"} if token else {}

    def aim(self, case: schemathesis.Case[Any]) -> None:
        """Point half of the generated ids in paths at real rows (random ids find nothing)."""
        for name, value in (case.path_parameters or {}).items():
            if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
                real = self.ids.get(name)
                if real is not None:
                    case.path_parameters[name] = real


@pytest.fixture(autouse=True)
def _celery_eager(celery_eager: None) -> None:
    """Booking e-mails run in-process, also with REDIS_URL set (no worker in tests)."""


@pytest.fixture
def world(db: None, settings: Any) -> World:
    # Fuzzed logins check a password on every example: a slow hash would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from chat import services as chat_services
    from rooms.services.lifecycle import room_create
    from safeguarding.services import report_create
    from scheduling.models import Mode, Slot, WindowKind
    from scheduling.services.availability import availability_window_add, blocked_date_add
    from scheduling.services.booking import booking_create

    student: User = UserFactory.create(role="student", birth_year=2008, email="s@example.org")
    pro: User = UserFactory.create(role="professional", verified=True, email="p@example.org")
    profile = make_witness(pro, job_title="Boulangère", sector="crafts")
    today = timezone.localdate()
    window = availability_window_add(
        professional=pro,
        kind=WindowKind.ONE_OFF,
        start_date=today + dt.timedelta(days=3),
        start_time=dt.time(18, 0),
        end_time=dt.time(19, 0),
        slot_minutes=30,
        capacity=2,
        mode=Mode.VIRTUAL,
    )
    slot = Slot.objects.filter(window=window).order_by("starts_at").first()
    assert slot is not None
    booking = booking_create(student=student, slot_id=slot.pk)
    blocked = blocked_date_add(professional=pro, date=today + dt.timedelta(days=10))
    request = chat_services.contact_request_create(
        student=student, professional=pro, message="Hello, may I ask about your job?"
    )
    accepted = chat_services.contact_request_accept(professional=pro, request_id=request.pk)
    assert accepted.conversation is not None
    report = report_create(
        reporter=student,
        target_kind="conversation",
        target_id=accepted.conversation.pk,
        item_id=None,
        reason="other",
    )
    room = room_create(host=pro, title="Life in a bakery")
    return World(
        tokens={
            "student": Token.objects.create(user=student).key,
            "professional": Token.objects.create(user=pro).key,
        },
        ids={
            "booking_id": booking.pk,
            "blocked_id": blocked.pk,
            "window_id": window.pk,
            "request_id": request.pk,
            "conversation_id": accepted.conversation.pk,
            "profile_id": profile.pk,
            "report_id": report.pk,
            "room_id": room.pk,
        },
    )


@pytest.mark.parametrize("role", ["student", "professional"])
@schema.parametrize()
def test_every_operation_answers_within_its_schema(
    case: schemathesis.Case[Any], role: str, world: World
) -> None:
    world.aim(case)
    case.call_and_validate(headers=world.headers(role), checks=CHECKS)


# Without credentials every other operation stops at the same 403, which the signed-in runs
# above already meet; the sign-up and sign-in endpoints are where anonymous input goes deep.
@pytest.mark.usefixtures("world")
@schema.include(path_regex=r"^/api/auth/").parametrize()
def test_sign_in_and_sign_up_answer_strangers_within_their_schema(
    case: schemathesis.Case[Any],
) -> None:
    case.call_and_validate(checks=CHECKS)


def test_a_path_under_api_that_no_endpoint_matches_answers_the_api_error(db: None) -> None:
    """What the fuzz met first: `/api/rooms/abc/` matches no route, and was Django's HTML page."""
    client = APIClient()
    response = client.get("/api/rooms/abc/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
