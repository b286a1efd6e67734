"""The events REST API of set-up and of students (api.md's events table and its additions):
shapes, status codes, who may call what, and that a refused call changes nothing."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import (
    Event,
    EventFeedback,
    EventParticipant,
    EventSeat,
    EventStatus,
    EventTable,
    EventWish,
    ForbiddenPair,
    Phase,
)
from events.services.setup import MAX_IMPORT_BYTES
from gallery.models import Sector
from tests.factories import make_witness

pytestmark = pytest.mark.django_db

EVENT_KEYS = {
    "id",
    "topic",
    "title",
    "mode",
    "venue",
    "starts_at",
    "rounds",
    "round_seconds",
    "break_seconds",
    "students_per_table",
    "status",
    "organiser",
    "state",
}
STATE_KEYS = {"status", "round", "phase", "phase_ends_at", "server_time"}


def body(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Careers morning",
        "starts_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "mode": "in_person",
        "venue": "Sports hall",
        "rounds": 4,
        "round_seconds": 240,
        "break_seconds": 30,
        "students_per_table": 2,
        **changes,
    }


def counts() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        EventParticipant.objects.count(),
        EventParticipant.objects.filter(checked_in_at__isnull=False).count(),
        ForbiddenPair.objects.count(),
        EventWish.objects.count(),
        EventFeedback.objects.count(),
    )


def as_user(user: Any) -> APIClient:
    client = APIClient()
    client.default_format = "json"
    client.force_authenticate(user)
    return client


def error(reply: Any, status: int, code: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.content
    payload: dict[str, Any] = reply.json()["error"]
    assert payload["code"] == code
    assert payload["message"]
    return payload


# --- create, read, edit ----------------------------------------------------------------------


def test_organiser_creates_and_reads_an_event(organiser: Any) -> None:
    client = as_user(organiser)
    reply = client.post("/api/events/", body(), format="json")
    assert reply.status_code == 201, reply.json()
    created = reply.json()
    assert set(created) == EVENT_KEYS | {"join_code"}
    assert created["topic"] == f"event:{created['id']}" and created["status"] == "draft"
    assert created["organiser"] == {"id": organiser.pk, "name": organiser.display_name}
    assert set(created["state"]) == STATE_KEYS
    assert created["state"]["round"] == 0 and created["state"]["phase"] is None
    assert created["state"]["server_time"].endswith("Z")
    assert created["starts_at"].endswith("Z")
    detail = client.get(f"/api/events/{created['id']}/").json()
    assert detail == {
        **created,
        "state": {**created["state"], "server_time": detail["state"]["server_time"]},
    }
    listed = client.get("/api/events/").json()["results"]
    assert [event["id"] for event in listed] == [created["id"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rounds": 0}, "rounds"),
        ({"rounds": 21}, "rounds"),
        ({"round_seconds": 29}, "round_seconds"),
        ({"round_seconds": 3601}, "round_seconds"),
        ({"break_seconds": 901}, "break_seconds"),
        ({"students_per_table": 0}, "students_per_table"),
        ({"students_per_table": 11}, "students_per_table"),
        ({"venue": ""}, "venue"),
        ({"title": ""}, "title"),
        ({"title": "t" * 121}, "title"),
        ({"mode": "hybrid"}, "mode"),
        ({"rounds": "many"}, "rounds"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "2020-01-01T09:00:00Z"}, "starts_at"),
    ],
)
def test_create_refuses_bad_input(organiser: Any, changes: dict[str, Any], field: str) -> None:
    before = counts()
    reply = as_user(organiser).post("/api/events/", body(**changes), format="json")
    payload = error(reply, 400, "bad_request")
    assert field in payload["fields"]
    assert counts() == before


def test_create_needs_every_setting(organiser: Any) -> None:
    reply = as_user(organiser).post("/api/events/", {"title": "Only a title"}, format="json")
    payload = error(reply, 400, "bad_request")
    assert {"starts_at", "mode", "rounds", "round_seconds"} <= set(payload["fields"])
    assert Event.objects.count() == 0


def test_only_organisers_create(student: Any, professional: Any) -> None:
    for user in (student, professional):
        error(as_user(user).post("/api/events/", body(), format="json"), 403, "forbidden")
    assert Event.objects.count() == 0
    anonymous = APIClient().post("/api/events/", body(), format="json")
    assert anonymous.status_code == 403
    assert APIClient().get("/api/events/").status_code == 403


def test_who_sees_an_event(
    organiser: Any, make_event: Callable[..., Event], student: Any, make_user: Callable[..., Any]
) -> None:
    event = make_event(students=[student])
    seen = as_user(student).get(f"/api/events/{event.pk}/")
    assert seen.status_code == 200
    assert set(seen.json()) == EVENT_KEYS  # no join code for participants
    assert [e["id"] for e in as_user(student).get("/api/events/").json()["results"]] == [event.pk]
    outsider = make_user(role="student")
    error(as_user(outsider).get(f"/api/events/{event.pk}/"), 404, "not_found")
    assert as_user(outsider).get("/api/events/").json() == {"results": []}
    other_organiser = make_user(role="organiser")
    error(as_user(other_organiser).get(f"/api/events/{event.pk}/"), 404, "not_found")
    error(as_user(organiser).get("/api/events/999999/"), 404, "not_found")


def test_patch_a_draft(organiser: Any, make_event: Callable[..., Event], student: Any) -> None:
    event = make_event(students=[student])
    client = as_user(organiser)
    reply = client.patch(f"/api/events/{event.pk}/", {"rounds": 6, "venue": "Gym"}, format="json")
    assert reply.status_code == 200, reply.json()
    assert reply.json()["rounds"] == 6 and reply.json()["venue"] == "Gym"
    error(
        client.patch(f"/api/events/{event.pk}/", {"rounds": 0}, format="json"), 400, "bad_request"
    )
    error(
        as_user(student).patch(f"/api/events/{event.pk}/", {"rounds": 2}, format="json"),
        403,
        "forbidden",
    )
    Event.objects.filter(pk=event.pk).update(status=EventStatus.LIVE, round=1)
    error(client.patch(f"/api/events/{event.pk}/", {"rounds": 2}, format="json"), 409, "conflict")
    event.refresh_from_db()
    assert event.rounds == 6 and event.venue == "Gym"


# --- participants ----------------------------------------------------------------------------


def test_participants_add_list_check_in_remove(
    organiser: Any, make_event: Callable[..., Event], student: Any, professional: Any
) -> None:
    event = make_event()
    client = as_user(organiser)
    url = f"/api/events/{event.pk}/participants/"
    added = client.post(url, {"user": student.pk, "role": "student"}, format="json")
    assert added.status_code == 201, added.json()
    assert added.json() == {
        "user": {"id": student.pk, "name": student.display_name, "username": student.username},
        "role": "student",
        "checked_in": False,
        "checked_in_at": None,
    }
    assert client.post(url, {"user": professional.pk, "role": "professional"}).status_code == 201
    error(client.post(url, {"user": student.pk, "role": "student"}, format="json"), 409, "conflict")
    checked = client.post(f"/api/events/{event.pk}/checkin/", {"user": student.pk}, format="json")
    assert checked.status_code == 200 and checked.json()["checked_in"] is True
    assert checked.json()["checked_in_at"].endswith("Z")
    listed = client.get(url).json()["results"]
    assert [(p["user"]["id"], p["role"], p["checked_in"]) for p in listed] == [
        (student.pk, "student", True),
        (professional.pk, "professional", False),
    ]
    undone = client.post(
        f"/api/events/{event.pk}/checkin/", {"user": student.pk, "checked_in": False}, format="json"
    )
    assert undone.json()["checked_in"] is False
    assert client.delete(f"{url}{student.pk}/").status_code == 204
    assert list(EventParticipant.objects.filter(event=event).values_list("user_id", flat=True)) == [
        professional.pk
    ]
    error(client.delete(f"{url}{student.pk}/"), 404, "not_found")


def test_participant_bad_input_changes_nothing(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    event = make_event()
    client = as_user(organiser)
    url = f"/api/events/{event.pk}/participants/"
    unverified = make_user(role="professional", verified=False)
    student = make_user(role="student")
    before = counts()
    cases = [
        ({"user": unverified.pk, "role": "professional"}, "user"),
        ({"user": student.pk, "role": "professional"}, "role"),
        ({"user": student.pk, "role": "organiser"}, "role"),
        ({"user": 999_999, "role": "student"}, "user"),
        ({"user": "x", "role": "student"}, "user"),
        ({"role": "student"}, "user"),
    ]
    for data, field in cases:
        payload = error(client.post(url, data, format="json"), 400, "bad_request")
        assert field in payload["fields"], (data, payload)
    error(client.post(f"/api/events/{event.pk}/checkin/", {"user": student.pk}), 404, "not_found")
    error(client.post(f"/api/events/{event.pk}/checkin/", {}), 400, "bad_request")
    assert counts() == before


def test_participants_are_the_organisers_business(
    organiser: Any,
    make_event: Callable[..., Event],
    student: Any,
    professional: Any,
    make_user: Callable[..., Any],
) -> None:
    event = make_event(students=[student], professionals=[professional], checked_in=False)
    base = f"/api/events/{event.pk}"
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("get", f"{base}/participants/", {}),
        ("post", f"{base}/participants/", {"user": student.pk, "role": "student"}),
        ("delete", f"{base}/participants/{student.pk}/", {}),
        ("post", f"{base}/checkin/", {"user": student.pk}),
        ("get", f"{base}/forbidden/", {}),
        ("post", f"{base}/forbidden/", {"professional": professional.pk, "student": student.pk}),
        ("delete", f"{base}/forbidden/", {"professional": professional.pk, "student": student.pk}),
    ]
    outsider = make_user(role="organiser")
    before = counts()
    for method, url, data in calls:
        for participant in (student, professional):
            reply = getattr(as_user(participant), method)(url, data, format="json")
            error(reply, 403, "forbidden")
        error(getattr(as_user(outsider), method)(url, data, format="json"), 404, "not_found")
        assert getattr(APIClient(), method)(url, data, format="json").status_code == 403
    assert counts() == before


def test_csv_import_keeps_good_rows_and_reports_bad_ones(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    event = make_event()
    make_user(role="student", username="alice")
    make_user(role="professional", verified=True, username="bob")
    make_user(role="professional", verified=False, username="carl")
    text = "username,role\nalice,student\nbob,professional\ncarl,professional\nzed,student\n"
    upload = SimpleUploadedFile("people.csv", ("\ufeff" + text).encode(), "text/csv")
    reply = as_user(organiser).post(
        f"/api/events/{event.pk}/participants/import/", {"file": upload}, format="multipart"
    )
    assert reply.status_code == 200, reply.json()
    report = reply.json()
    assert report["added"] == 2
    assert [e["line"] for e in report["errors"]] == [4, 5]
    assert all(e["message"] for e in report["errors"])
    usernames = set(
        EventParticipant.objects.filter(event=event).values_list("user__username", flat=True)
    )
    assert usernames == {"alice", "bob"}


def test_csv_import_refuses_bad_files(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any], student: Any
) -> None:
    event = make_event(students=[student])
    make_user(role="student", username="alice")
    url = f"/api/events/{event.pk}/participants/import/"
    client = as_user(organiser)
    before = counts()
    bad = [
        b"alice,student\n",
        "username,role\nalic\xe9,student\n".encode("latin-1"),
        b"username,role\n" + b"alice,student\n" * (MAX_IMPORT_BYTES // 14 + 1),
    ]
    for content in bad:
        upload = SimpleUploadedFile("people.csv", content, "text/csv")
        payload = error(client.post(url, {"file": upload}, format="multipart"), 400, "bad_request")
        assert "file" in payload["fields"]
    error(client.post(url, {}, format="multipart"), 400, "bad_request")
    # JSON is not an upload.
    assert client.post(url, {"file": "alice,student"}, format="json").status_code == 415
    upload = SimpleUploadedFile("people.csv", b"username,role\nalice,student\n", "text/csv")
    forbidden = as_user(student).post(url, {"file": upload}, format="multipart")
    error(forbidden, 403, "forbidden")
    assert counts() == before


# --- forbidden pairs -------------------------------------------------------------------------


def test_forbidden_pairs(
    organiser: Any, make_event: Callable[..., Event], student: Any, professional: Any
) -> None:
    event = make_event(students=[student], professionals=[professional])
    client = as_user(organiser)
    url = f"/api/events/{event.pk}/forbidden/"
    pair = {"professional": professional.pk, "student": student.pk}
    added = client.post(url, pair, format="json")
    assert added.status_code == 201, added.json()
    assert added.json() == {
        "professional": {"id": professional.pk, "name": professional.display_name},
        "student": {"id": student.pk, "name": student.display_name},
    }
    assert client.get(url).json()["results"] == [added.json()]
    error(client.post(url, pair, format="json"), 409, "conflict")
    swapped = {"professional": student.pk, "student": professional.pk}
    payload = error(client.post(url, swapped, format="json"), 400, "bad_request")
    assert "professional" in payload["fields"]
    assert client.delete(url, pair, format="json").status_code == 204
    assert not ForbiddenPair.objects.exists()
    error(client.delete(url, pair, format="json"), 404, "not_found")


# --- students: join, wishes, feedback -------------------------------------------------------


def test_student_joins_with_the_code(
    organiser: Any, make_event: Callable[..., Event], student: Any, professional: Any
) -> None:
    event = make_event()
    reply = as_user(student).post(
        "/api/events/join/", {"code": event.join_code.lower()}, format="json"
    )
    assert reply.status_code == 200, reply.json()
    assert reply.json()["id"] == event.pk and "join_code" not in reply.json()
    assert EventParticipant.objects.get(event=event, user=student).role == "student"
    again = as_user(student).post("/api/events/join/", {"code": event.join_code}, format="json")
    assert again.status_code == 200
    before = counts()
    error(
        as_user(professional).post("/api/events/join/", {"code": event.join_code}), 403, "forbidden"
    )
    error(as_user(student).post("/api/events/join/", {"code": "WRONGCODE9"}), 404, "not_found")
    error(as_user(student).post("/api/events/join/", {}, format="json"), 400, "bad_request")
    assert counts() == before


def test_student_sets_wishes(
    make_event: Callable[..., Event], student: Any, professional: Any, make_user: Callable[..., Any]
) -> None:
    event = make_event(students=[student], professionals=[professional])
    sectors = list(Sector.objects.order_by("pk").values_list("pk", flat=True)[:5])
    url = f"/api/events/{event.pk}/wishes/"
    client = as_user(student)
    reply = client.put(url, {"sectors": sectors[:3]}, format="json")
    assert reply.status_code == 200, reply.json()
    assert reply.json() == {"sectors": sectors[:3]}
    assert client.get(url).json() == {"sectors": sectors[:3]}
    before = counts()
    for bad in (sectors, [sectors[0], sectors[0]], [999_999], ["x"]):
        payload = error(client.put(url, {"sectors": bad}, format="json"), 400, "bad_request")
        assert "sectors" in payload["fields"]
    error(as_user(professional).put(url, {"sectors": sectors[:1]}, format="json"), 403, "forbidden")
    outsider = make_user(role="student")
    error(as_user(outsider).put(url, {"sectors": sectors[:1]}, format="json"), 404, "not_found")
    Event.objects.filter(pk=event.pk).update(status=EventStatus.LIVE, round=1)
    error(client.put(url, {"sectors": sectors[:1]}, format="json"), 409, "conflict")
    assert counts() == before
    assert client.get(url).json() == {"sectors": sectors[:3]}


def test_feedback_after_a_meeting(
    make_event: Callable[..., Event], student: Any, make_user: Callable[..., Any]
) -> None:
    pro = make_user(role="professional", verified=True)
    make_witness(pro, job_title="Baker", sector="crafts")
    other = make_user(role="student")
    event = make_event(students=[student, other], professionals=[pro])
    table = EventTable.objects.create(event=event, round=1, table=1, professional=pro)
    EventSeat.objects.create(table=table, event=event, round=1, student=student)
    Event.objects.filter(pk=event.pk).update(status=EventStatus.LIVE, round=1, phase=Phase.MEETING)
    url = f"/api/events/{event.pk}/feedback/"
    client = as_user(student)
    before = counts()
    error(client.post(url, {"round": 1, "rating": 6}, format="json"), 400, "bad_request")
    error(client.post(url, {"round": 1, "rating": 0}, format="json"), 400, "bad_request")
    error(client.post(url, {"round": 2, "rating": 4}, format="json"), 404, "not_found")
    error(as_user(other).post(url, {"round": 1, "rating": 4}, format="json"), 404, "not_found")
    error(as_user(pro).post(url, {"round": 1, "rating": 4}, format="json"), 403, "forbidden")
    assert counts() == before
    reply = client.post(
        url, {"round": 1, "rating": 5, "comment": "Great", "contact": True}, format="json"
    )
    assert reply.status_code == 201, reply.json()
    given = reply.json()
    assert given["round"] == 1 and given["rating"] == 5 and given["comment"] == "Great"
    assert given["contact"] == "requested" and given["contact_message"] == ""
    assert EventFeedback.objects.get(pk=given["id"]).professional == pro
    error(client.post(url, {"round": 1, "rating": 3}, format="json"), 409, "conflict")


def test_the_schema_documents_every_events_endpoint(api_client: APIClient) -> None:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    expected = {
        "/api/events/": {"get", "post"},
        "/api/events/join/": {"post"},
        "/api/events/{event_id}/": {"get", "patch"},
        "/api/events/{event_id}/participants/": {"get", "post"},
        "/api/events/{event_id}/participants/import/": {"post"},
        "/api/events/{event_id}/participants/{user_id}/": {"delete"},
        "/api/events/{event_id}/checkin/": {"post"},
        "/api/events/{event_id}/forbidden/": {"get", "post", "delete"},
        "/api/events/{event_id}/wishes/": {"get", "put"},
        "/api/events/{event_id}/feedback/": {"post"},
        "/api/events/{event_id}/report.csv": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    report = paths["/api/events/{event_id}/report.csv"]["get"]["responses"]["200"]
    assert "text/csv" in report["content"]


@pytest.fixture
def organiser_world(
    organiser: Any, make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> dict[str, Any]:
    """An organiser's event with people in it, for the schema run below."""
    from rest_framework.authtoken.models import Token

    pro = make_user(role="professional", verified=True)
    student = make_user(role="student")
    event = make_event(students=[student], professionals=[pro])
    return {
        "headers": {"Authorization": f"Token {Token.objects.create(user=organiser).key}"},
        "ids": {"event_id": event.pk, "user_id": student.pk},
    }


# The schemathesis run of tests/config (students and professionals) meets no event: here the
# organiser calls every events operation, half of them on a real event, within the schema.
@pytest.fixture
def fuzz() -> Any:
    from tests.config import test_api_schema_fuzz

    return test_api_schema_fuzz


def test_every_events_operation_answers_the_organiser_within_its_schema(
    organiser_world: dict[str, Any], fuzz: Any
) -> None:
    schema = fuzz.schema.include(path_regex=r"^/api/events/")
    failures: list[str] = []
    succeeded: set[str] = set()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for case in _examples(operation):
            for name, value in (case.path_parameters or {}).items():
                if isinstance(value, int) and value % 2 == 0:
                    case.path_parameters[name] = organiser_world["ids"].get(name, value)
            try:
                response = case.call_and_validate(
                    headers=organiser_world["headers"], checks=fuzz.CHECKS
                )
            except Exception as exc:
                failures.append(f"{operation.label}: {exc}")
            else:
                if response.status_code < 300:
                    succeeded.add(operation.label)
    assert operations >= 20
    # The run reached past the refusals: reads of the real event answered.
    assert {"GET /api/events/{event_id}/", "GET /api/events/{event_id}/participants/"} <= succeeded
    assert not failures, "\n".join(failures[:5])


def _examples(operation: Any) -> list[Any]:
    """A few valid cases of an operation (its documented examples, else one generated)."""
    from hypothesis import HealthCheck, given, settings

    found: list[Any] = []

    @settings(
        max_examples=4, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(operation.as_strategy())
    def collect(case: Any) -> None:
        found.append(case)

    collect()
    return found
