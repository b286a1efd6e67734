"""Reports: members report over REST and from the conversation page; moderators handle them."""

from typing import Any

import pytest
from django.test import Client

from chat import services as chat_services
from safeguarding.models import Report
from tests.chat.conftest import open_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user: Any) -> Any:
    return make_user(role="moderator")


@pytest.fixture
def conversation(student: Any, professional: Any) -> Any:
    return open_conversation(student, professional, "Hello, can we talk?")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_reports_a_conversation_and_a_message(
    api_client: Any, student: Any, professional: Any, conversation: Any
) -> None:
    api_client.force_authenticate(professional)
    first = conversation.messages.get(seq=1)
    whole = api_client.post(
        "/api/reports/", {"conversation": conversation.pk, "reason": "spam"}, format="json"
    )
    assert whole.status_code == 201 and whole.json()["status"] == "open"
    one = api_client.post(
        "/api/reports/",
        {"conversation": conversation.pk, "message": first.pk, "reason": "harassment"},
        format="json",
    )
    assert one.status_code == 201
    again = api_client.post(
        "/api/reports/",
        {"conversation": conversation.pk, "message": first.pk, "reason": "other"},
        format="json",
    )
    assert again.json()["id"] == one.json()["id"]  # still open: no duplicate
    assert Report.objects.count() == 2
    report = Report.objects.get(pk=one.json()["id"])
    assert report.item_id == first.pk and report.reporter == professional
    assert (report.target_kind, report.target_id) == ("conversation", conversation.pk)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"conversation": None, "reason": "spam"}, 400, "conversation"),
        ({"conversation": "x", "reason": "spam"}, 400, "conversation"),
        ({"reason": "because"}, 400, "reason"),
        ({"reason": "spam", "details": "x" * 1001}, 400, "details"),
        ({"reason": "spam", "message": 99999}, 400, "message"),
        ({"reason": "spam", "extra": 1, "message": "one"}, 400, "message"),
    ],
)
def test_bad_reports_change_nothing(
    api_client: Any, student: Any, conversation: Any, body: dict[str, Any], status: int, field: str
) -> None:
    api_client.force_authenticate(student)
    payload = {"conversation": conversation.pk, **body}
    response = api_client.post("/api/reports/", payload, format="json")
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert not Report.objects.exists()


def test_outsiders_cannot_report_or_read_reports(
    api_client: Any, make_user: Any, student: Any, conversation: Any
) -> None:
    outsider = make_user(role="student")
    api_client.force_authenticate(outsider)
    response = api_client.post(
        "/api/reports/", {"conversation": conversation.pk, "reason": "spam"}, format="json"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    api_client.force_authenticate(student)
    assert api_client.get("/api/reports/").status_code == 403
    assert not Report.objects.exists()


def test_moderator_lists_and_closes(
    api_client: Any, moderator: Any, student: Any, conversation: Any
) -> None:
    report = Report.objects.create(
        reporter=student, target_kind="conversation", target_id=conversation.pk, reason="safety"
    )
    api_client.force_authenticate(student)
    refused = api_client.post(f"/api/reports/{report.pk}/close/", {}, format="json")
    assert refused.status_code == 403
    api_client.force_authenticate(moderator)
    listed = api_client.get("/api/reports/?status=open").json()["results"]
    assert [r["id"] for r in listed] == [report.pk]
    assert listed[0]["conversation"] == {"id": conversation.pk, "topic": conversation.topic}
    closed = api_client.post(
        f"/api/reports/{report.pk}/close/", {"resolution": "Talked to both."}, format="json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["resolution"] == "Talked to both."
    assert api_client.get("/api/reports/?status=open").json()["results"] == []
    again = api_client.post(f"/api/reports/{report.pk}/close/", {}, format="json")
    assert again.status_code == 409
    assert api_client.post("/api/reports/999999/close/", {}, format="json").status_code == 404


def test_report_from_the_conversation_page(
    student: Any, professional: Any, conversation: Any
) -> None:
    page = client_for(student).get(f"/chats/{conversation.pk}/")
    assert b"report-reason" in page.content
    first = conversation.messages.get(seq=1)
    response = client_for(professional).post(
        f"/chats/{conversation.pk}/report/",
        {"reason": "inappropriate", "message": str(first.pk), "details": "Not okay."},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reason, report.item_id, report.details) == (
        "inappropriate",
        first.pk,
        "Not okay.",
    )
    # No reason: nothing stored, the page says so.
    client_for(professional).post(f"/chats/{conversation.pk}/report/", {"reason": ""})
    assert Report.objects.count() == 1


def test_moderator_reads_the_record_with_deleted_messages(
    moderator: Any, student: Any, professional: Any, conversation: Any
) -> None:
    sent = chat_services.message_send(
        author=professional, conversation=conversation, body="regrettable words", client_id="d1"
    )
    chat_services.message_delete(
        author=professional, conversation=conversation, message_id=sent.message.pk
    )
    report = Report.objects.create(
        reporter=student,
        target_kind="conversation",
        target_id=conversation.pk,
        item_id=sent.message.pk,
        reason="harassment",
    )
    assert client_for(student).get("/moderation/reports/").status_code == 404
    assert client_for(student).get(f"/moderation/reports/{report.pk}/").status_code == 404
    mod = client_for(moderator)
    queue = mod.get("/moderation/reports/")
    assert queue.status_code == 200 and f'data-report="{report.pk}"'.encode() in queue.content
    detail = mod.get(f"/moderation/reports/{report.pk}/").content.decode()
    # The default language is French.
    assert "regrettable words" in detail and "supprimé par son auteur" in detail
    assert "chat-message--reported" in detail
    response = mod.post(f"/moderation/reports/{report.pk}/close/", {"resolution": "Warned."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "closed" and report.closed_by == moderator
    # Closed reports stay readable, but cannot be closed twice.
    assert mod.get(f"/moderation/reports/{report.pk}/").status_code == 200
    mod.post(f"/moderation/reports/{report.pk}/close/", {"resolution": "again"})
    report.refresh_from_db()
    assert report.resolution == "Warned."
