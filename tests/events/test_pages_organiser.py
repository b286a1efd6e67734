"""The organiser's pages, server-rendered: create and edit an event, its participants (search,
CSV with its report, forbidden pairs), check-in, the dashboard's controls and the summary;
who may open them (the organiser; 404 for outsiders, 403 for participants, as the API)."""

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import User
from events.models import (
    Event,
    EventParticipant,
    EventStatus,
    EventTable,
    ForbiddenPair,
    ParticipantRole,
)

pytestmark = pytest.mark.django_db

MakeEvent = Callable[..., Event]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def boss(organiser: User) -> User:
    organiser.preferred_language = "en"
    organiser.save(update_fields=["preferred_language"])
    return organiser


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, list[User]]:
    return {
        "pros": [
            make_user(role="professional", verified=True, display_name=f"Pro {i}") for i in range(3)
        ],
        "students": [
            make_user(role="student", birth_year=2009, display_name=f"Pupil {i}") for i in range(6)
        ],
    }


def event_pages(event: Event) -> list[str]:
    return [
        f"/events/{event.pk}/manage/",
        f"/events/{event.pk}/checkin/",
        f"/events/{event.pk}/dashboard/",
        f"/events/{event.pk}/dashboard/tables/",
        f"/events/{event.pk}/summary/",
    ]


def test_pages_need_login(make_event: MakeEvent) -> None:
    event = make_event()
    for path in ["/events/new/", *event_pages(event)]:
        response = Client().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/")


def test_outsiders_get_404_and_participants_403(
    make_event: MakeEvent, make_user: Callable[..., Any], student: User
) -> None:
    event = make_event(students=[student])
    other_organiser = make_user(role="organiser")
    for path in event_pages(event):
        assert signed_in(other_organiser).get(path).status_code == 404, path
        assert signed_in(student).get(path).status_code == 403, path
    # Controls too: nothing happens.
    for path in (
        f"/events/{event.pk}/control/start/",
        f"/events/{event.pk}/extend/",
        f"/events/{event.pk}/manage/participants/add/",
    ):
        assert signed_in(other_organiser).post(path, {"seconds": 60}).status_code == 404
        assert signed_in(student).post(path, {"seconds": 60}).status_code == 403
    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT
    assert signed_in(other_organiser).get("/events/999999/manage/").status_code == 404


def test_only_organisers_create_events(student: User, professional: User) -> None:
    for user in (student, professional):
        assert signed_in(user).get("/events/new/").status_code == 403
        response = signed_in(user).post("/events/new/", {"title": "x"})
        assert response.status_code == 403
    assert not Event.objects.exists()


def test_an_organiser_creates_an_event(boss: User) -> None:
    client = signed_in(boss)
    page = client.get("/events/new/")
    assert page.status_code == 200
    assert "New speed-meeting event" in text(page)
    starts = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/events/new/",
        {
            "title": "Careers morning",
            "starts_at": starts,
            "mode": "in_person",
            "venue": "Sports hall",
            "rounds": "5",
            "round_minutes": "7.5",
            "break_minutes": "1",
            "students_per_table": "3",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.pk}/manage/"
    assert (event.title, event.rounds, event.round_seconds, event.break_seconds) == (
        "Careers morning",
        5,
        450,
        60,
    )
    assert event.organiser == boss
    manage = client.get(response["Location"])
    assert event.join_code in text(manage)


def test_bad_event_forms_say_why_and_create_nothing(boss: User) -> None:
    client = signed_in(boss)
    starts = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    good = {
        "title": "Careers morning",
        "starts_at": starts,
        "mode": "in_person",
        "venue": "Hall",
        "rounds": "5",
        "round_minutes": "5",
        "break_minutes": "0",
        "students_per_table": "2",
    }
    for change, message in (
        ({"rounds": "0"}, "greater than or equal to 1"),
        ({"round_minutes": "0.4"}, "greater than or equal to 0.5"),
        ({"students_per_table": "0"}, "greater than or equal to 1"),
        ({"venue": ""}, "Say where the event takes place."),
        ({"title": ""}, "Give the event a title."),
    ):
        response = client.post("/events/new/", {**good, **change})
        assert response.status_code == 400, change
        assert "Please check the form" in text(response)
        assert message in text(response), change
    assert not Event.objects.exists()
    # Online, no venue needed.
    response = client.post("/events/new/", {**good, "mode": "virtual", "venue": ""})
    assert response.status_code == 302


def test_editing_a_draft_and_not_after_the_start(boss: User, make_event: MakeEvent) -> None:
    event = make_event()
    client = signed_in(boss)
    starts = (timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    fields = {
        "title": "Renamed",
        "starts_at": starts,
        "mode": "in_person",
        "venue": "Hall",
        "rounds": "4",
        "round_minutes": "6",
        "break_minutes": "1",
        "students_per_table": "2",
    }
    response = client.post(f"/events/{event.pk}/manage/edit/", fields)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.rounds, event.round_seconds) == ("Renamed", 4, 360)
    Event.objects.filter(pk=event.pk).update(status=EventStatus.LIVE, round=1, phase="meeting")
    response = client.post(f"/events/{event.pk}/manage/edit/", {**fields, "title": "Late"})
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.title == "Renamed"
    page = client.get(f"/events/{event.pk}/manage/")
    assert "its settings can no longer change" in text(page)


def test_search_and_add_one_participant(
    boss: User, make_event: MakeEvent, make_user: Callable[..., Any]
) -> None:
    event = make_event()
    pro = make_user(role="professional", verified=True, display_name="Samira Lambert")
    unverified = make_user(role="professional", verified=False, display_name="Samir Unchecked")
    client = signed_in(boss)
    page = text(client.get(f"/events/{event.pk}/manage/?q=sami"))
    assert "Samira Lambert" in page
    assert "Samir Unchecked" not in page  # only verified professionals are offered

    response = client.post(
        f"/events/{event.pk}/manage/participants/add/",
        {"user": pro.pk, "role": "professional", "q": "sami"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.pk}/manage/?q=sami#add"
    assert EventParticipant.objects.filter(event=event, user=pro, role="professional").exists()
    page = text(client.get(response["Location"]))
    assert "Samira Lambert is in the event." in page
    assert "Nobody to add matches" in page  # she is in: no longer offered

    # Twice: the service's 409 becomes a message; an unverified professional: refused.
    client.post(
        f"/events/{event.pk}/manage/participants/add/", {"user": pro.pk, "role": "professional"}
    )
    client.post(
        f"/events/{event.pk}/manage/participants/add/",
        {"user": unverified.pk, "role": "professional"},
    )
    page = text(client.get(f"/events/{event.pk}/manage/"))
    assert page.count("flash--error") == 2
    assert EventParticipant.objects.filter(event=event).count() == 1

    # Removed.
    response = client.post(f"/events/{event.pk}/manage/participants/{pro.pk}/remove/")
    assert response.status_code == 302
    assert not EventParticipant.objects.filter(event=event).exists()


def test_csv_import_keeps_good_rows_and_reports_the_bad(
    boss: User, make_event: MakeEvent, make_user: Callable[..., Any]
) -> None:
    event = make_event()
    make_user(username="lea", role="student")
    make_user(username="samir", role="professional", verified=True)
    make_user(username="notyet", role="professional", verified=False)
    csv = "username,role\nlea,student\nsamir,professional\nghost,student\nnotyet,professional\n"
    client = signed_in(boss)
    response = client.post(
        f"/events/{event.pk}/manage/participants/import/",
        {"file": SimpleUploadedFile("people.csv", csv.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    assert EventParticipant.objects.filter(event=event).count() == 2
    page = text(client.get(response["Location"]))
    assert "2 participants added." in page
    assert "2 lines were not added:" in page
    assert "<td>4</td>" in page and "<td>5</td>" in page  # the failed lines, with why
    # The report is shown once.
    assert "lines were not added" not in text(client.get(f"/events/{event.pk}/manage/"))

    # No file, or not UTF-8 text: the form says so.
    response = client.post(f"/events/{event.pk}/manage/participants/import/", {})
    assert response.status_code == 400
    assert "Choose a CSV file." in text(response)
    response = client.post(
        f"/events/{event.pk}/manage/participants/import/",
        {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", content_type="text/csv")},
    )
    assert response.status_code == 400


def test_forbidden_pairs(boss: User, make_event: MakeEvent, people: dict[str, list[User]]) -> None:
    pro, pupil = people["pros"][0], people["students"][0]
    event = make_event(professionals=[pro], students=[pupil])
    client = signed_in(boss)
    response = client.post(
        f"/events/{event.pk}/manage/forbidden/add/",
        {"forbidden-professional": pro.pk, "forbidden-student": pupil.pk},
    )
    assert response.status_code == 302
    pair = ForbiddenPair.objects.get(event=event)
    page = text(client.get(f"/events/{event.pk}/manage/"))
    assert "Pro 0" in page and "Keep them apart" in page
    # A student in the professional's place: not a choice.
    response = client.post(
        f"/events/{event.pk}/manage/forbidden/add/",
        {"forbidden-professional": pupil.pk, "forbidden-student": pupil.pk},
    )
    assert response.status_code == 400
    assert ForbiddenPair.objects.count() == 1
    client.post(f"/events/{event.pk}/manage/forbidden/{pair.pk}/remove/")
    assert not ForbiddenPair.objects.exists()


def test_check_in_with_search_and_undo_in_draft(
    boss: User, make_event: MakeEvent, people: dict[str, list[User]]
) -> None:
    event = make_event(professionals=people["pros"], students=people["students"], checked_in=False)
    client = signed_in(boss)
    page = text(client.get(f"/events/{event.pk}/checkin/"))
    assert "0 of 9 checked in" in page
    page = text(client.get(f"/events/{event.pk}/checkin/?q=pupil 3"))
    assert "Pupil 3" in page and "Pupil 2" not in page

    pupil = people["students"][3]
    response = client.post(
        f"/events/{event.pk}/checkin/{pupil.pk}/", {"checked_in": "1", "q": "pupil 3"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?q=pupil+3#person-{pupil.pk}")
    assert EventParticipant.objects.get(event=event, user=pupil).checked_in_at is not None
    assert "1 of 9 checked in" in text(client.get(f"/events/{event.pk}/checkin/"))

    # The script's way: JSON back.
    response = client.post(
        f"/events/{event.pk}/checkin/{pupil.pk}/",
        {"checked_in": "0"},
        headers={"Accept": "application/json"},
    )
    assert response.json() == {"user": pupil.pk, "checked_in": False}
    assert EventParticipant.objects.get(event=event, user=pupil).checked_in_at is None


def test_a_latecomer_is_checked_in_during_the_event_but_not_undone(
    boss: User, make_event: MakeEvent, people: dict[str, list[User]]
) -> None:
    late = people["students"][5]
    event = make_event(professionals=people["pros"], students=people["students"][:5])
    EventParticipant.objects.create(event=event, user=late, role=ParticipantRole.STUDENT)
    client = signed_in(boss)
    assert client.post(f"/events/{event.pk}/control/start/").status_code == 302
    page = text(client.get(f"/events/{event.pk}/checkin/"))
    assert "joins the tables from the next round" in page
    client.post(f"/events/{event.pk}/checkin/{late.pk}/", {"checked_in": "1"})
    assert EventParticipant.objects.get(event=event, user=late).checked_in_at is not None
    response = client.post(
        f"/events/{event.pk}/checkin/{late.pk}/",
        {"checked_in": "0"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert EventParticipant.objects.get(event=event, user=late).checked_in_at is not None


def test_dashboard_runs_the_event(
    boss: User, make_event: MakeEvent, people: dict[str, list[User]]
) -> None:
    event = make_event(professionals=people["pros"], students=people["students"], rounds=2)
    client = signed_in(boss)
    page = text(client.get(f"/events/{event.pk}/dashboard/"))
    assert "Start the event" in page
    assert "The tables appear here when the event starts." in page

    response = client.post(f"/events/{event.pk}/control/start/")
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.pk}/dashboard/"
    event.refresh_from_db()
    assert (event.status, event.round, event.phase) == ("live", 1, "meeting")
    page = text(client.get(f"/events/{event.pk}/dashboard/"))
    assert "The event has started: round 1 is on." in page
    assert "Round 1 of 2: meeting" in page
    tables = EventTable.objects.filter(event=event, round=1)
    assert tables.count() == 3
    for table in tables:
        assert f"Table {table.table}" in page
        assert table.professional.display_name in page
    assert "Pupil 0" in page

    # Starting twice: a message, nothing changes.
    client.post(f"/events/{event.pk}/control/start/")
    assert "flash--error" in text(client.get(f"/events/{event.pk}/dashboard/"))

    ends = event.phase_ends_at
    assert ends is not None
    client.post(f"/events/{event.pk}/extend/", {"seconds": "60"})
    event.refresh_from_db()
    assert event.phase_ends_at == ends + dt.timedelta(seconds=60)
    client.post(f"/events/{event.pk}/extend/", {"seconds": "9999"})
    event.refresh_from_db()
    assert event.phase_ends_at == ends + dt.timedelta(seconds=60)

    client.post(f"/events/{event.pk}/control/pause/")
    event.refresh_from_db()
    assert event.status == "paused"
    fragment = text(client.get(f"/events/{event.pk}/dashboard/tables/"))
    assert 'data-status="paused"' in fragment
    client.post(f"/events/{event.pk}/control/resume/")
    client.post(f"/events/{event.pk}/control/next/")
    event.refresh_from_db()
    assert (event.status, event.round, event.phase) == ("live", 1, "break")

    response = client.post(f"/events/{event.pk}/control/end/")
    assert response["Location"] == f"/events/{event.pk}/summary/"
    event.refresh_from_db()
    assert event.status == "ended"
    assert client.post(f"/events/{event.pk}/control/dance/").status_code == 404


def test_announcements(boss: User, make_event: MakeEvent) -> None:
    event = make_event()
    client = signed_in(boss)
    response = client.post(f"/events/{event.pk}/announce/", {"text": "   "})
    assert response.status_code == 400
    assert "Write the announcement first." in text(response)
    response = client.post(f"/events/{event.pk}/announce/", {"text": "x" * 501})
    assert response.status_code == 400
    response = client.post(f"/events/{event.pk}/announce/", {"text": "Coffee in the hall."})
    assert response.status_code == 302


def test_summary_links_the_csv(
    boss: User, make_event: MakeEvent, people: dict[str, list[User]]
) -> None:
    absent = people["students"][5]
    event = make_event(professionals=people["pros"], students=people["students"][:5], rounds=1)
    EventParticipant.objects.create(event=event, user=absent, role=ParticipantRole.STUDENT)
    client = signed_in(boss)
    client.post(f"/events/{event.pk}/control/start/")
    client.post(f"/events/{event.pk}/control/end/")
    page = text(client.get(f"/events/{event.pk}/summary/"))
    assert "Meetings held" in page
    assert f'href="/api/events/{event.pk}/report.csv"' in page
    assert "Pupil 5" in page  # the no-show
    csv = client.get(f"/api/events/{event.pk}/report.csv")
    assert csv.status_code == 200


def test_pages_speak_french_by_default(organiser: User, make_event: MakeEvent) -> None:
    event = make_event()
    page = text(signed_in(organiser).get(f"/events/{event.pk}/dashboard/"))
    assert 'lang="fr"' in page


def test_online_dashboard_links_each_room_and_the_organiser_may_enter(
    boss: User, make_event: MakeEvent, people: dict[str, list[User]]
) -> None:
    event = make_event(
        professionals=people["pros"], students=people["students"], mode="virtual", venue=""
    )
    client = signed_in(boss)
    client.post(f"/events/{event.pk}/control/start/")
    tables = list(EventTable.objects.filter(event=event, round=1).order_by("table"))
    assert tables and all(table.room_id for table in tables)
    page = text(client.get(f"/events/{event.pk}/dashboard/"))
    for table in tables:
        assert f"Room {table.table}" in page
        assert f'href="/rooms/{table.room_id}/"' in page
    # Nobody is connected to the rooms yet: checked in, but not in the room.
    assert "not in the room" in page
    assert "Join room" in page
    assert client.get(f"/rooms/{tables[0].room_id}/").status_code == 200
