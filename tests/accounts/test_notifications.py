"""Notifications without a socket: the API's list and read marks, the away e-mail batching,
the settings pages and the professional's agenda."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.notifications.emails import email_batch_send, email_preferences_set, emails_send_due
from accounts.notifications.models import Notification, NotificationPreference
from accounts.notifications.service import notify, notify_once, unread_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def interval(settings: Any) -> dt.timedelta:
    settings.NOTIFICATION_EMAIL_INTERVAL_SECONDS = 300
    return dt.timedelta(seconds=300)


@pytest.fixture
def reader(make_user: Any) -> Any:
    return make_user(
        role="professional",
        verified=True,
        email="pro@example.org",
        display_name="Camille",
        preferred_language="en",
    )


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def ask(user: Any, name: str) -> Notification:
    return notify(
        user_id=user.pk,
        kind="contact_requested",
        data={"request": 1, "name": name, "url": "/chats/"},
    )


def test_the_list_is_newest_first_paginated_with_the_unread_count(
    reader: Any, make_user: Any
) -> None:
    other = make_user()
    notes = [ask(reader, f"Student {i}") for i in range(3)]
    ask(other, "Not yours")
    first = api(reader).get("/api/notifications/?page_size=2").json()
    assert [row["id"] for row in first["results"]] == [notes[2].pk, notes[1].pk]
    assert first["unread"] == 3 and first["next"]
    row = first["results"][0]
    assert row["kind"] == "contact_requested" and row["read"] is False
    assert row["data"] == {"request": 1, "name": "Student 2", "url": "/chats/"}
    assert row["text"] == "Student 2 asks to get in touch." and row["url"] == "/chats/"
    second = api(reader).get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [notes[0].pk]
    assert second["next"] is None


def test_marking_read_by_ids_and_all(reader: Any, make_user: Any) -> None:
    notes = [ask(reader, "A"), ask(reader, "B"), ask(reader, "C")]
    others = ask(make_user(), "Z")
    client = api(reader)
    answer = client.post(
        "/api/notifications/read/", {"ids": [notes[0].pk, others.pk]}, format="json"
    )
    assert answer.status_code == 200 and answer.json() == {"unread": 2}
    others.refresh_from_db()
    assert others.read_at is None
    assert client.post("/api/notifications/read/", {}, format="json").status_code == 400
    assert unread_count(user_id=reader.pk) == 2  # nothing changed on bad input
    assert client.post("/api/notifications/read/", {"all": True}, format="json").json() == {
        "unread": 0
    }
    assert unread_count(user_id=reader.pk) == 0


def test_notify_once_waits_until_the_first_is_read(reader: Any) -> None:
    key = {"conversation": 7}
    data = {"conversation": 7, "name": "Léa"}
    first = notify_once(user_id=reader.pk, kind="message_while_away", data=data, key=key)
    assert first is not None
    assert notify_once(user_id=reader.pk, kind="message_while_away", data=data, key=key) is None
    other = notify_once(
        user_id=reader.pk,
        kind="message_while_away",
        data={"conversation": 8},
        key={"conversation": 8},
    )
    assert other is not None
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    assert notify_once(user_id=reader.pk, kind="message_while_away", data=data, key=key)


def test_two_notifications_within_the_interval_make_one_email(
    reader: Any, interval: dt.timedelta
) -> None:
    first = ask(reader, "Léa")
    ask(reader, "Noah")
    # Not yet: the first one is younger than the interval (the user may still see it).
    assert emails_send_due(now=first.created_at + interval - dt.timedelta(seconds=5)) == 0
    assert mail.outbox == []
    later = timezone.now() + interval
    assert emails_send_due(now=later) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pro@example.org"]
    assert message.subject == "Backstage: 2 new notifications"
    assert "Léa asks to get in touch." in message.body
    assert "Noah asks to get in touch." in message.body
    assert "/settings/notifications/" in message.body
    # Sent once: the next pass finds nothing; a third notification waits for the next interval.
    assert emails_send_due(now=later + dt.timedelta(seconds=1)) == 0
    ask(reader, "Ana")
    assert email_batch_send(user_id=reader.pk, now=later + dt.timedelta(seconds=60)) is False
    assert emails_send_due(now=later + interval + dt.timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 2 and "Ana asks" in mail.outbox[1].body
    assert "Léa" not in mail.outbox[1].body


def test_a_read_notification_is_not_emailed(reader: Any, interval: dt.timedelta) -> None:
    seen = ask(reader, "Seen")
    ask(reader, "Unseen")
    api(reader).post("/api/notifications/read/", {"ids": [seen.pk]}, format="json")
    assert emails_send_due(now=timezone.now() + interval) == 1
    assert "Unseen asks" in mail.outbox[0].body
    assert "Seen asks" not in mail.outbox[0].body


def test_nothing_is_sent_when_everything_was_read(reader: Any, interval: dt.timedelta) -> None:
    ask(reader, "Seen")
    api(reader).post("/api/notifications/read/", {"all": True}, format="json")
    assert emails_send_due(now=timezone.now() + interval) == 0
    assert mail.outbox == []


def test_a_kind_switched_off_is_not_emailed(reader: Any, interval: dt.timedelta) -> None:
    email_preferences_set(user=reader, email_on=["booking_made"])
    ask(reader, "Léa")  # contact_requested: off
    notify(user_id=reader.pk, kind="booking_made", data={"name": "Noah"})
    assert emails_send_due(now=timezone.now() + interval) == 1
    body = mail.outbox[0].body
    assert "Noah booked a meeting" in body and "Léa" not in body
    # Off means handled: it is not sent later either.
    assert emails_send_due(now=timezone.now() + 3 * interval) == 0


def test_no_email_without_an_address(make_user: Any, interval: dt.timedelta) -> None:
    nobody = make_user(role="student", birth_year=2010, email="")
    ask(nobody, "Léa")
    assert emails_send_due(now=timezone.now() + interval) == 0
    assert mail.outbox == []


def test_the_settings_page_switches_kinds(reader: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reader)
    page = client.get("/settings/notifications/")
    assert page.status_code == 200
    assert 'value="contact_requested" id="email-contact_requested" checked' in page.text
    assert 'value="room_starting_soon" id="email-room_starting_soon">' in page.text  # default off
    client.post("/settings/notifications/", {"email": ["booking_made", "bogus"]})
    preference = NotificationPreference.objects.get(user=reader)
    assert "contact_requested" in preference.email_off
    assert "booking_made" not in preference.email_off


def test_the_page_lists_marks_all_read_and_opens_one(reader: Any) -> None:
    note = ask(reader, "Léa")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reader)
    page = client.get("/notifications/")
    assert "Léa asks to get in touch." in page.text
    assert "Notifications, 1 unread" in page.text  # the bell
    opened = client.get(f"/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/chats/"
    assert unread_count(user_id=reader.pk) == 0
    ask(reader, "Noah")
    client.post("/notifications/")
    assert unread_count(user_id=reader.pk) == 0


def test_the_service_worker_is_served_at_the_root(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert b"showNotification" in response.content


def test_a_professional_home_shows_pending_requests(
    reader: Any, make_user: Any, settings: Any
) -> None:
    from chat.services import contact_request_create

    student = make_user(role="student", birth_year=2010, display_name="Léa")
    contact_request_create(student=student, professional=reader, message="Hello")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reader)
    page = client.get("/home/")
    assert "Waiting for you" in page.text and "Léa asks to get in touch" in page.text


def test_notify_once_skips_the_query_for_a_known_notice_until_the_user_reads(
    make_user: Any, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The chat's hot path: once a "new messages" notice exists, later batches cost nothing;
    reading forgets it, so the next message makes a new notice (positive control)."""
    from accounts.notifications.service import (
        notifications_mark_read_where,
        notify_once_after_commit,
    )

    user = make_user()
    items = [(user.pk, {"conversation": 7, "name": "Léa"})]

    def batch() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            notify_once_after_commit(kind="message_while_away", items=items, key="conversation")

    batch()
    assert Notification.objects.filter(user=user, kind="message_while_away").count() == 1
    with django_assert_num_queries(0):
        batch()
    notifications_mark_read_where(
        user_id=user.pk, kind="message_while_away", key={"conversation": 7}
    )
    batch()
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1
    assert Notification.objects.filter(user=user, kind="message_while_away").count() == 2
