"""The participants' pages: the events index, the live page (rendered in its present state),
joining with a code, a student's wishes and the feedback on a meeting; who may see what; the
room page's embedded mode the live page frames."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from chat.models import ContactRequest
from events.models import Event, EventFeedback, EventParticipant, EventStatus, EventWish
from events.services.clock import event_next, event_pause, event_start
from gallery.models import Sector
from rooms.models import Room

pytestmark = pytest.mark.django_db


def page(response: Any) -> str:
    return str(response.content.decode())


def config_of(response: Any) -> dict[str, Any]:
    found = re.search(
        r'<script id="event-config" type="application/json">(.*?)</script>', page(response), re.S
    )
    assert found, "the live page carries its present state for the script"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def directive(response: Any, name: str) -> list[str]:
    policy: str = response["Content-Security-Policy"]
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


@pytest.fixture
def en_user(make_user: Callable[..., Any]) -> Callable[..., Any]:
    def make(role: str = "student", **fields: Any) -> Any:
        extra = {"verified": True} if role == "professional" else {}
        return make_user(role=role, preferred_language="en", **extra, **fields)

    return make


@pytest.fixture
def sectors() -> list[Sector]:
    return [
        Sector.objects.get_or_create(
            slug=f"test-sector-{n}",
            defaults={
                "label_fr": f"Secteur {n}",
                "label_nl": f"Sector {n}",
                "label_en": f"Sector {n}",
            },
        )[0]
        for n in range(1, 6)
    ]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- who sees what -------------------------------------------------------------------------


def test_outsiders_get_404_on_every_page_of_an_event(
    make_event: Callable[..., Event], en_user: Callable[..., Any]
) -> None:
    student, pro, outsider = en_user(), en_user("professional"), en_user()
    event = make_event(students=[student], professionals=[pro])
    client = signed_in(outsider)
    for url in (
        f"/events/{event.pk}/",
        f"/events/{event.pk}/wishes/",
        f"/events/{event.pk}/feedback/1/",
        "/events/999999/",
    ):
        assert client.get(url).status_code == 404, url
    # The participants see it; anonymous visitors are sent to sign in.
    assert signed_in(student).get(f"/events/{event.pk}/").status_code == 200
    assert signed_in(pro).get(f"/events/{event.pk}/").status_code == 200
    assert Client().get(f"/events/{event.pk}/").status_code == 302


def test_the_organiser_is_sent_from_the_participant_page_to_the_dashboard(
    make_event: Callable[..., Event], organiser: Any
) -> None:
    event = make_event()
    response = signed_in(organiser).get(f"/events/{event.pk}/")
    assert response.status_code == 302
    assert response["Location"] != f"/events/{event.pk}/"


def test_a_professional_may_not_pick_wishes_or_give_feedback(
    make_event: Callable[..., Event], en_user: Callable[..., Any]
) -> None:
    pro = en_user("professional")
    event = make_event(students=[en_user()], professionals=[pro])
    client = signed_in(pro)
    assert client.get(f"/events/{event.pk}/wishes/").status_code == 403
    assert client.get(f"/events/{event.pk}/feedback/1/").status_code == 403


# --- the index -----------------------------------------------------------------------------


def test_index_lists_a_participants_events_by_state(
    make_event: Callable[..., Event], en_user: Callable[..., Any]
) -> None:
    student = en_user()
    make_event(title="Coming event", students=[student])
    make_event(title="Finished event", students=[student], status=EventStatus.ENDED)
    make_event(title="Someone else's event", students=[en_user()])
    text = page(signed_in(student).get("/events/"))
    assert "Coming event" in text and "Finished event" in text
    assert "Someone else" not in text
    assert text.index("Coming up") < text.index("Coming event") < text.index("Past")
    assert "Join with a code" in text


def test_index_for_an_organiser_and_for_someone_with_no_part(
    make_event: Callable[..., Event], organiser: Any, make_user: Callable[..., Any]
) -> None:
    make_event(title="My big event")
    organiser.preferred_language = "en"
    organiser.save()
    text = page(signed_in(organiser).get("/events/"))
    assert "My big event" in text
    moderator = make_user(role="moderator", preferred_language="en")
    text = page(signed_in(moderator).get("/events/"))
    assert "Organisers run them" in text
    assert "My big event" not in text


# --- joining with a code -------------------------------------------------------------------


def test_a_student_joins_with_a_good_code_and_lands_on_the_event(
    make_event: Callable[..., Event], en_user: Callable[..., Any]
) -> None:
    student = en_user()
    event = make_event()
    client = signed_in(student)
    prefilled = page(client.get(f"/events/join/{event.join_code}/"))
    assert f'value="{event.join_code}"' in prefilled
    assert not EventParticipant.objects.filter(event=event, user=student).exists()  # GET only

    response = client.post("/events/join/", {"code": event.join_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.pk}/"
    assert EventParticipant.objects.get(event=event, user=student).role == "student"


def test_a_bad_code_says_so_and_joins_nothing(
    make_event: Callable[..., Event], en_user: Callable[..., Any]
) -> None:
    student = en_user()
    make_event()
    response = signed_in(student).post("/events/join/", {"code": "NOPE12345"})
    assert response.status_code == 404
    assert "No event has this code." in page(response)
    assert not EventParticipant.objects.filter(user=student).exists()
    assert signed_in(student).post("/events/join/", {"code": ""}).status_code == 400


def test_only_students_join_with_a_code(
    make_event: Callable[..., Event], en_user: Callable[..., Any]
) -> None:
    pro = en_user("professional")
    event = make_event()
    response = signed_in(pro).post("/events/join/", {"code": event.join_code})
    assert response.status_code == 403
    assert "Only students join an event with a code." in page(response)
    assert not EventParticipant.objects.filter(user=pro).exists()


# --- wishes --------------------------------------------------------------------------------


def test_a_student_ranks_up_to_four_sectors_before_the_start(
    make_event: Callable[..., Event], en_user: Callable[..., Any], sectors: list[Sector]
) -> None:
    student = en_user()
    event = make_event(students=[student], professionals=[en_user("professional")])
    client = signed_in(student)
    form = page(client.get(f"/events/{event.pk}/wishes/"))
    assert form.count("<select") == 4  # four ranks, never a fifth
    assert 'for="id_rank_1"' in form and "First choice" in form

    response = client.post(
        f"/events/{event.pk}/wishes/",
        {"rank_1": sectors[2].pk, "rank_2": "", "rank_3": sectors[0].pk, "rank_5": sectors[4].pk},
    )
    assert response.status_code == 302
    ranked = list(EventWish.objects.filter(event=event, student=student).order_by("rank"))
    assert [(w.rank, w.sector_id) for w in ranked] == [(1, sectors[2].pk), (2, sectors[0].pk)]
    assert "Sector 3" in page(client.get(f"/events/{event.pk}/"))


def test_a_sector_twice_is_refused_and_changes_nothing(
    make_event: Callable[..., Event], en_user: Callable[..., Any], sectors: list[Sector]
) -> None:
    student = en_user()
    event = make_event(students=[student])
    EventWish.objects.create(event=event, student=student, sector=sectors[4], rank=1)
    response = signed_in(student).post(
        f"/events/{event.pk}/wishes/", {"rank_1": sectors[1].pk, "rank_2": sectors[1].pk}
    )
    assert response.status_code == 400
    assert "Pick each sector once." in page(response)
    assert list(EventWish.objects.filter(student=student).values_list("sector_id", flat=True)) == [
        sectors[4].pk
    ]


def test_wishes_close_once_the_event_starts(
    make_event: Callable[..., Event],
    en_user: Callable[..., Any],
    organiser: Any,
    sectors: list[Sector],
) -> None:
    student = en_user()
    event = make_event(students=[student], professionals=[en_user("professional")])
    event_start(organiser=organiser, event_id=event.pk)
    client = signed_in(student)
    assert "the choices are closed" in page(client.get(f"/events/{event.pk}/wishes/"))
    response = client.post(f"/events/{event.pk}/wishes/", {"rank_1": sectors[0].pk})
    assert response.status_code == 409
    assert not EventWish.objects.filter(student=student).exists()


# --- the live page ---------------------------------------------------------------------------


def test_before_the_start_the_page_says_when_where_and_waits(
    make_event: Callable[..., Event], en_user: Callable[..., Any]
) -> None:
    student = en_user()
    event = make_event(students=[student], venue="Gym of the Athénée")
    response = signed_in(student).get(f"/events/{event.pk}/")
    text = page(response)
    assert "Waiting for the organiser to start" in text
    assert "Gym of the Athénée" in text
    assert f'href="/events/{event.pk}/wishes/"' in text
    assert config_of(response)["state"]["status"] == "draft"


def test_live_pages_show_each_side_their_pairing_and_table(
    make_event: Callable[..., Event], en_user: Callable[..., Any], organiser: Any
) -> None:
    student = en_user(display_name="Léa Janssens")
    pro = en_user("professional", display_name="Samir Haddad")
    event = make_event(students=[student], professionals=[pro], rounds=2)
    event_start(organiser=organiser, event_id=event.pk)

    response = signed_in(student).get(f"/events/{event.pk}/")
    text = page(response)
    assert "You're meeting" in text and "Samir Haddad" in text
    assert "Table 1" in text
    assert 'aria-hidden="true" data-event-clock' in text  # the ticking clock is silent
    config = config_of(response)
    assert config["pairing"]["professional"]["name"] == "Samir Haddad"
    assert config["topic"] == f"event:{event.pk}" and config["role"] == "student"

    text = page(signed_in(pro).get(f"/events/{event.pk}/"))
    assert "Students at your table" in text and "Léa Janssens" in text


def test_an_online_round_shows_the_room_inside_the_page(
    make_event: Callable[..., Event], en_user: Callable[..., Any], organiser: Any
) -> None:
    student, pro = en_user(), en_user("professional")
    event = make_event(students=[student], professionals=[pro], mode="virtual", venue="")
    event_start(organiser=organiser, event_id=event.pk)
    room = Room.objects.get()
    response = signed_in(student).get(f"/events/{event.pk}/")
    text = page(response)
    assert f'src="/rooms/{room.pk}/?embed=1"' in text
    assert 'allow="camera; microphone; display-capture"' in text
    assert "'self'" in directive(response, "frame-src")

    embedded = signed_in(student).get(f"/rooms/{room.pk}/?embed=1")
    assert embedded.status_code == 200
    assert embedded["X-Frame-Options"] == "SAMEORIGIN"
    assert directive(embedded, "frame-ancestors") == ["'self'"]
    assert "site-header" not in page(embedded)
    # The room page on its own still refuses to be framed.
    alone = signed_in(student).get(f"/rooms/{room.pk}/")
    assert alone["X-Frame-Options"] == "DENY"
    assert directive(alone, "frame-ancestors") == ["'none'"]


def test_break_offers_the_feedback_of_the_meeting_just_held_and_the_end_lists_them(
    make_event: Callable[..., Event], en_user: Callable[..., Any], organiser: Any
) -> None:
    student = en_user()
    pro = en_user("professional", display_name="Samir Haddad")
    event = make_event(students=[student], professionals=[pro], rounds=2, break_seconds=60)
    event_start(organiser=organiser, event_id=event.pk)
    event_next(organiser=organiser, event_id=event.pk)  # round 1's break
    client = signed_in(student)
    text = page(client.get(f"/events/{event.pk}/"))
    assert "How was your meeting with Samir Haddad?" in text
    assert f'action="/events/{event.pk}/feedback/1/"' in text

    event_pause(organiser=organiser, event_id=event.pk)
    text = page(client.get(f"/events/{event.pk}/"))
    assert "left, paused" in text

    event.refresh_from_db()
    Event.objects.filter(pk=event.pk).update(status=EventStatus.ENDED)
    text = page(client.get(f"/events/{event.pk}/"))
    assert "Thank you!" in text
    assert f'href="/events/{event.pk}/feedback/1/"' in text


# --- feedback ------------------------------------------------------------------------------


@pytest.fixture
def held_meeting(
    make_event: Callable[..., Event], en_user: Callable[..., Any], organiser: Any
) -> tuple[Event, Any, Any]:
    student = en_user()
    pro = en_user("professional", display_name="Samir Haddad")
    event = make_event(students=[student], professionals=[pro], rounds=2)
    event_start(organiser=organiser, event_id=event.pk)
    return event, student, pro


def test_feedback_with_a_contact_wish_sends_the_request_and_says_so(
    held_meeting: tuple[Event, Any, Any],
) -> None:
    event, student, pro = held_meeting
    client = signed_in(student)
    form = page(client.get(f"/events/{event.pk}/feedback/1/"))
    assert form.count('type="radio" name="rating"') == 5
    assert "I&#x27;d like to stay in contact" in form or "I'd like to stay in contact" in form

    response = client.post(
        f"/events/{event.pk}/feedback/1/", {"rating": "4", "comment": "Great", "contact": "on"}
    )
    assert response.status_code == 302
    feedback = EventFeedback.objects.get(event=event, student=student, round=1)
    assert (feedback.rating, feedback.comment, feedback.professional_id) == (4, "Great", pro.pk)
    assert ContactRequest.objects.filter(student=student, professional=pro).exists()
    text = page(client.get(response["Location"]))
    assert "Your contact request was sent to Samir Haddad." in text


def test_feedback_without_contact_says_nothing_was_sent(
    held_meeting: tuple[Event, Any, Any],
) -> None:
    event, student, pro = held_meeting
    client = signed_in(student)
    response = client.post(f"/events/{event.pk}/feedback/1/", {"rating": "2"})
    text = page(client.get(response["Location"]))
    assert "Thanks for your feedback!" in text
    assert "contact request" not in text
    assert not ContactRequest.objects.filter(student=student, professional=pro).exists()


def test_a_bad_rating_and_a_second_feedback_are_refused(
    held_meeting: tuple[Event, Any, Any],
) -> None:
    event, student, _pro = held_meeting
    client = signed_in(student)
    for rating in ("0", "6", "", "four"):
        response = client.post(f"/events/{event.pk}/feedback/1/", {"rating": rating})
        assert response.status_code == 400, rating
    assert not EventFeedback.objects.exists()
    assert client.post(f"/events/{event.pk}/feedback/1/", {"rating": "5"}).status_code == 302
    again = client.post(f"/events/{event.pk}/feedback/1/", {"rating": "1"})
    assert again.status_code == 409
    assert EventFeedback.objects.get().rating == 5


def test_feedback_for_a_round_not_sat_is_404(
    held_meeting: tuple[Event, Any, Any], en_user: Callable[..., Any]
) -> None:
    event, student, _pro = held_meeting
    client = signed_in(student)
    # Round 2 has not begun; round 7 does not exist.
    assert client.get(f"/events/{event.pk}/feedback/2/").status_code == 404
    assert client.post(f"/events/{event.pk}/feedback/7/", {"rating": "3"}).status_code == 404
    # A student of the event who sat no table in round 1 (joined late).
    late = en_user()
    EventParticipant.objects.create(event=event, user=late, role="student")
    assert (
        signed_in(late).post(f"/events/{event.pk}/feedback/1/", {"rating": "3"}).status_code == 404
    )
    assert not EventFeedback.objects.exists()


# --- the home page -----------------------------------------------------------------------------


def test_home_lists_a_participants_events_not_ended_live_first(
    make_event: Callable[..., Event], en_user: Callable[..., Any], organiser: Any
) -> None:
    student, pro = en_user(), en_user("professional")
    coming = make_event(title="Coming event", students=[student], professionals=[pro])
    live = make_event(title="Live event", students=[student], professionals=[pro])
    make_event(title="Old event", students=[student], status=EventStatus.ENDED)
    event_start(organiser=organiser, event_id=live.pk)
    for user in (student, pro):
        text = page(signed_in(user).get("/home/"))
        assert f'href="/events/{live.pk}/"' in text and f'href="/events/{coming.pk}/"' in text
        assert text.index("Live event") < text.index("Coming event")
        assert "Live now" in text and "Old event" not in text
        # The "Speed meetings" card leads to the events list, no longer "coming soon".
        assert 'href="/events/"' in text
    assert "Live event" not in page(signed_in(en_user()).get("/home/"))
