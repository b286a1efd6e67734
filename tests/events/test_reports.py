"""The organiser's take-away: the rows of who met whom, the CSV a spreadsheet opens safely, and
the one-page summary, each in a fixed number of queries."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from accounts.models import User
from events.models import Event, EventMode, EventParticipant, EventStatus, EventWish
from events.reports import event_summary, report_csv, report_rows
from events.services.feedback import feedback_give
from gallery.models import Sector
from tests.events.test_feedback import seat_rounds
from tests.factories import make_witness

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    """Two professionals, three students present, one student and one professional who never
    came; names a spreadsheet would trip on."""

    def pro(name: str) -> User:
        user: User = make_user(role="professional", verified=True, display_name=name)
        return user

    def pupil(name: str) -> User:
        user: User = make_user(role="student", birth_year=2009, display_name=name)
        return user

    return {
        "pros": [pro("Anne Zoë Dupré"), pro("Bram Peeters")],
        "pupils": [pupil('=HYPERLINK("http://x")'), pupil("Chloé"), pupil("David")],
        "absent": [pupil("Eva Absent"), pro("Frank Absent")],
    }


@pytest.fixture
def played(make_event: Callable[..., Event], people: dict[str, Any]) -> Event:
    """Rounds 1 and 2 played, round 3 planned and never reached (ended early):
    round 1: A {x, y}, B {z}; round 2: A {z}, B {x, y}; round 3: A {x}, B {y, z}."""
    (a, b), (x, y, z) = people["pros"], people["pupils"]
    event = make_event(rounds=3, students=[x, y, z], professionals=[a, b])
    absent_student, absent_pro = people["absent"]
    make_event_participants_absent(event, absent_student, absent_pro)
    seat_rounds(
        event,
        [[(a, [x, y]), (b, [z])], [(a, [z]), (b, [x, y])], [(a, [x]), (b, [y, z])]],
        played=2,
        status=EventStatus.ENDED,
        start=START,
    )
    feedback_give(student=x, event_id=event.pk, round=1, rating=5, comment="+1 great", contact=True)
    feedback_give(student=y, event_id=event.pk, round=1, rating=2, comment="-")
    feedback_give(student=z, event_id=event.pk, round=2, rating=4, comment="Très bien, merci")
    return event


def make_event_participants_absent(event: Event, *users: User) -> None:
    for user in users:
        EventParticipant.objects.create(
            event=event,
            user=user,
            role="professional" if user.role == "professional" else "student",
            checked_in_at=None,
        )


def test_rows_are_the_meetings_of_played_rounds(played: Event, people: dict[str, Any]) -> None:
    (a, b), (x, y, z) = people["pros"], people["pupils"]
    rows = report_rows(played)
    assert [(r["round"], r["table"], r["professional_id"], r["student_id"]) for r in rows] == [
        (1, 1, a.pk, x.pk),  # "=HYPERLINK" sorts before "Chloé"
        (1, 1, a.pk, y.pk),
        (1, 2, b.pk, z.pk),
        (2, 1, a.pk, z.pk),
        (2, 2, b.pk, x.pk),
        (2, 2, b.pk, y.pk),
    ]
    first = rows[0]
    assert first["started_at"] == START
    assert rows[3]["started_at"] == START + dt.timedelta(minutes=10)
    assert (first["professional_name"], first["student_name"]) == (
        "Anne Zoë Dupré",
        '=HYPERLINK("http://x")',
    )
    assert (first["rating"], first["comment"], first["contact_requested"]) == (5, "+1 great", True)
    assert (rows[1]["rating"], rows[1]["contact_requested"]) == (2, False)
    assert (rows[2]["rating"], rows[2]["comment"]) == (None, "")


def test_rows_online_have_no_table_and_a_draft_has_none(
    make_event: Callable[..., Event], people: dict[str, Any]
) -> None:
    (a, _b), (x, _y, _z) = people["pros"], people["pupils"]
    online = make_event(mode=EventMode.VIRTUAL, venue="", students=[x], professionals=[a])
    seat_rounds(online, [[(a, [x])]])
    assert [(row["round"], row["table"]) for row in report_rows(online)] == [(1, None)]
    draft = make_event(students=[x], professionals=[a])
    assert report_rows(draft) == []
    assert report_csv(draft).count("\n") == 1  # the header only


def test_csv_opens_with_accents_and_runs_no_formula(played: Event) -> None:
    with translation.override("en"), timezone.override(dt.UTC):
        text = report_csv(played)
    assert text.startswith("\ufeff")
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # what Excel looks for to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Round",
        "Table",
        "Started at",
        "Professional ID",
        "Professional",
        "Student ID",
        "Student",
        "Rating",
        "Comment",
        "Contact requested",
    ]
    assert len(rows) == 1 + 6
    first = rows[1]
    assert first[:3] == ["1", "1", "2026-03-12T09:00:00+00:00"]
    assert first[4] == "Anne Zoë Dupré"
    # Cells a spreadsheet would run as formulas are kept as text.
    assert first[6] == '\'=HYPERLINK("http://x")'
    assert first[7:] == ["5", "'+1 great", "yes"]
    assert rows[2][8] == "'-"
    assert rows[3][7:] == ["", "", "no"]
    assert "Très bien, merci" in rows[4]


def test_csv_header_follows_the_language(played: Event) -> None:
    with translation.override("en"):
        english = report_csv(played).splitlines()[0]
    with translation.override("fr"):
        french = report_csv(played).splitlines()[0]
    assert english.startswith("\ufeffRound,")
    assert french.count(",") == english.count(",")


def test_summary_counts_the_event(played: Event, people: dict[str, Any]) -> None:
    (x, y, z) = people["pupils"]
    summary = event_summary(played)
    assert summary["rounds_played"] == 2
    assert summary["meetings"] == 6
    assert (summary["students_present"], summary["professionals_present"]) == (3, 2)
    met = summary["professionals_met"]
    assert (met["min"], met["avg"], met["max"]) == (2, 2.0, 2)
    assert {row["id"]: row["count"] for row in met["students"]} == {x.pk: 2, y.pk: 2, z.pk: 2}
    assert summary["rating"] == {"average": round((5 + 2 + 4) / 3, 2), "count": 3}
    assert summary["contact_requests"] == 1
    assert sorted((row["name"], row["role"]) for row in summary["no_shows"]) == [
        ("Eva Absent", "student"),
        ("Frank Absent", "professional"),
    ]
    assert summary["wishes_served"] is None  # nobody made a wish


def test_summary_spread_and_a_student_who_sat_out(
    make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    pros = [make_user(role="professional", verified=True) for _ in range(2)]
    x, y, z = (make_user(role="student") for _ in range(3))
    event = make_event(rounds=2, students=[x, y, z], professionals=pros)
    # x meets both, y meets one, z is present but never seated.
    seat_rounds(event, [[(pros[0], [x]), (pros[1], [y])], [(pros[1], [x])]])
    summary = event_summary(event)
    met = summary["professionals_met"]
    assert (met["min"], met["avg"], met["max"]) == (0, 1.0, 2)
    assert [row["id"] for row in met["students"]] == [z.pk, y.pk, x.pk]  # fewest first
    assert summary["meetings"] == 3
    assert summary["rating"] == {"average": None, "count": 0}
    assert summary["no_shows"] == []


def test_summary_reports_wishes_served(
    make_event: Callable[..., Event], make_user: Callable[..., Any]
) -> None:
    health = make_witness(job_title="Nurse", sector="health").user
    tech = make_witness(job_title="Developer", sector="tech").user
    pupil = make_user(role="student")
    event = make_event(rounds=1, students=[pupil], professionals=[health, tech])
    for rank, slug in enumerate(("health", "arts"), start=1):
        EventWish.objects.create(
            event=event, student=pupil, sector=Sector.objects.get(slug=slug), rank=rank
        )
    seat_rounds(event, [[(health, [pupil])]])
    assert event_summary(event)["wishes_served"] == 0.5


def test_reports_read_in_a_fixed_number_of_queries(
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    def sized(professionals: int, students: int) -> Event:
        pros = [make_user(role="professional", verified=True) for _ in range(professionals)]
        pupils = [make_user(role="student") for _ in range(students)]
        event = make_event(rounds=3, students=pupils, professionals=pros)
        plan = [
            [
                (pro, [p for j, p in enumerate(pupils) if (j + shift) % professionals == index])
                for index, pro in enumerate(pros)
            ]
            for shift in range(3)
        ]
        return seat_rounds(event, plan)

    small, large = sized(2, 4), sized(8, 24)
    assert len(report_rows(large)) == 3 * 24
    for event in (small, large):
        with django_assert_max_num_queries(3):
            report_rows(event)
        with django_assert_max_num_queries(4):
            report_csv(event)
        # participants, seats, ratings, and the wishes' two or three reads
        with django_assert_max_num_queries(6):
            event_summary(event)
