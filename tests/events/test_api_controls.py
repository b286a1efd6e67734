"""The organiser's controls over REST (start, pause, resume, next, end, extend, announce) and
the read-outs (plan, live tables, summary, CSV report): bodies, the 409s of a state that does
not allow the control, the bounds, and who may call them."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from events.models import Event, EventParticipant, EventPhaseLog, EventTable
from tests.events.test_api import as_user, error

pytestmark = pytest.mark.django_db

CONTROLS = ("start", "pause", "resume", "next", "end")


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, list[Any]]:
    return {
        "pros": [make_user(role="professional", verified=True) for _ in range(2)],
        "students": [make_user(role="student") for _ in range(4)],
    }


@pytest.fixture
def event(make_event: Callable[..., Event], people: dict[str, list[Any]]) -> Event:
    return make_event(
        students=people["students"], professionals=people["pros"], rounds=2, break_seconds=30
    )


def post(client: APIClient, event: Event, action: str, data: Any = None) -> Any:
    return client.post(f"/api/events/{event.pk}/{action}/", data or {}, format="json")


def snapshot(event: Event) -> tuple[Any, ...]:
    event.refresh_from_db()
    return (
        event.status,
        event.round,
        event.phase,
        event.phase_ends_at,
        event.paused_remaining,
        EventPhaseLog.objects.filter(event=event).count(),
        EventTable.objects.filter(event=event).count(),
    )


def test_start_pause_resume_next_end(organiser: Any, event: Event) -> None:
    client = as_user(organiser)
    started = post(client, event, "start")
    assert started.status_code == 200, started.json()
    state = started.json()["state"]
    assert state["status"] == "live" and state["round"] == 1 and state["phase"] == "meeting"
    assert state["phase_ends_at"].endswith("Z")
    assert started.json()["join_code"] == event.join_code
    assert EventTable.objects.filter(event=event, round=1).exists()

    paused = post(client, event, "pause").json()["state"]
    assert paused["status"] == "paused" and paused["phase_ends_at"] is None
    resumed = post(client, event, "resume").json()["state"]
    assert resumed["status"] == "live" and resumed["phase_ends_at"] is not None
    moved = post(client, event, "next").json()["state"]
    assert (moved["round"], moved["phase"]) == (1, "break")
    moved = post(client, event, "next").json()["state"]
    assert (moved["round"], moved["phase"]) == (2, "meeting")
    ended = post(client, event, "end").json()
    assert ended["status"] == "ended" and ended["state"]["status"] == "ended"


def test_controls_refused_by_the_state_change_nothing(organiser: Any, event: Event) -> None:
    client = as_user(organiser)
    before = snapshot(event)
    for action in ("pause", "resume", "next", "end"):
        error(post(client, event, action), 409, "conflict")  # a draft
    assert snapshot(event) == before
    assert post(client, event, "start").status_code == 200
    started = snapshot(event)
    error(post(client, event, "start"), 409, "conflict")  # twice
    error(post(client, event, "resume"), 409, "conflict")  # not paused
    assert snapshot(event) == started
    assert post(client, event, "pause").status_code == 200
    paused = snapshot(event)
    error(post(client, event, "pause"), 409, "conflict")  # not live
    error(post(client, event, "next"), 409, "conflict")
    assert snapshot(event) == paused
    assert post(client, event, "end").status_code == 200
    ended = snapshot(event)
    for action in (*CONTROLS, "extend", "announce"):
        data = {"seconds": 30} if action == "extend" else {"text": "Hi"}
        error(post(client, event, action, data), 409, "conflict")
    assert snapshot(event) == ended


def test_start_without_anyone_checked_in(
    organiser: Any, make_event: Callable[..., Event], people: dict[str, list[Any]]
) -> None:
    event = make_event(students=people["students"], professionals=people["pros"], checked_in=False)
    before = snapshot(event)
    error(post(as_user(organiser), event, "start"), 409, "conflict")
    assert snapshot(event) == before


def test_extend_within_its_bounds(organiser: Any, event: Event) -> None:
    client = as_user(organiser)
    assert post(client, event, "start").status_code == 200
    event.refresh_from_db()
    ends = event.phase_ends_at
    assert ends is not None
    before = snapshot(event)
    for seconds in (0, 601, -5, "soon", None):
        payload = error(post(client, event, "extend", {"seconds": seconds}), 400, "bad_request")
        assert "seconds" in payload["fields"]
    error(post(client, event, "extend", {}), 400, "bad_request")
    assert snapshot(event) == before
    reply = post(client, event, "extend", {"seconds": 600})
    assert reply.status_code == 200, reply.json()
    event.refresh_from_db()
    assert event.phase_ends_at == ends + dt.timedelta(seconds=600)
    assert dt.datetime.fromisoformat(reply.json()["state"]["phase_ends_at"]) == event.phase_ends_at
    assert post(client, event, "extend", {"seconds": 1}).status_code == 200


def test_announce_bounds(organiser: Any, event: Event) -> None:
    client = as_user(organiser)
    for text in ("", "   ", "x" * 501):
        payload = error(post(client, event, "announce", {"text": text}), 400, "bad_request")
        assert "text" in payload["fields"]
    reply = post(client, event, "announce", {"text": "x" * 500})
    assert reply.status_code == 200, reply.json()
    assert reply.json()["id"] == event.pk
    assert post(client, event, "announce", {"text": "Round 2 in the gym"}).status_code == 200


def test_controls_are_the_organisers_only(
    organiser: Any, event: Event, people: dict[str, list[Any]], make_user: Callable[..., Any]
) -> None:
    participant = people["students"][0]
    outsider = make_user(role="organiser")
    before = snapshot(event)
    for action in (*CONTROLS, "extend", "announce"):
        data = {"seconds": 30} if action == "extend" else {"text": "Hi"}
        for user in (participant, people["pros"][0]):
            error(post(as_user(user), event, action, data), 403, "forbidden")
        error(post(as_user(outsider), event, action, data), 404, "not_found")
        assert post(APIClient(), event, action, data).status_code == 403
    for read in ("plan/", "live/", "summary/", "report.csv"):
        url = f"/api/events/{event.pk}/{read}"
        error(as_user(participant).get(url), 403, "forbidden")
        error(as_user(outsider).get(url), 404, "not_found")
    assert snapshot(event) == before


def test_plan_live_summary_and_report(
    organiser: Any, event: Event, people: dict[str, list[Any]]
) -> None:
    client = as_user(organiser)
    assert client.get(f"/api/events/{event.pk}/plan/").json() == {"rounds": []}
    assert post(client, event, "start").status_code == 200
    plan = client.get(f"/api/events/{event.pk}/plan/").json()["rounds"]
    assert len(plan) == 2
    pro_ids = {pro.pk for pro in people["pros"]}
    for tables in plan:
        assert {table["professional"] for table in tables} == pro_ids
        seated = [student for table in tables for student in table["students"]]
        assert sorted(seated) == sorted(s.pk for s in people["students"])
        assert all(table["table"] in (1, 2) and table["room"] is None for table in tables)

    live = client.get(f"/api/events/{event.pk}/live/").json()
    assert live["state"]["status"] == "live" and live["round"] == 1
    assert len(live["tables"]) == 2

    summary = client.get(f"/api/events/{event.pk}/summary/").json()
    assert summary["rounds_played"] == 1 and summary["meetings"] == 4

    report = client.get(f"/api/events/{event.pk}/report.csv")
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    assert f"event-{event.pk}-report.csv" in report["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 4  # the header, then one line per student seated in round 1


def test_a_latecomer_checked_in_during_the_event(
    organiser: Any, event: Event, make_user: Callable[..., Any]
) -> None:
    client = as_user(organiser)
    late = make_user(role="student")
    Event.objects.filter(pk=event.pk).update(students_per_table=3)  # a seat for everyone
    EventParticipant.objects.create(event=event, user=late, role="student")
    assert post(client, event, "start").status_code == 200
    checked = post(client, event, "checkin", {"user": late.pk})
    assert checked.status_code == 200 and checked.json()["checked_in"] is True
    assert post(client, event, "next").status_code == 200  # the break
    assert post(client, event, "next").status_code == 200  # round 2: re-planned with them
    plan = client.get(f"/api/events/{event.pk}/plan/").json()["rounds"]
    assert late.pk not in [s for table in plan[0] for s in table["students"]]
    assert late.pk in [s for table in plan[1] for s in table["students"]]
