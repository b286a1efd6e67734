"""Contact requests and the inbox over REST (api.md shapes)."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from chat.models import ContactRequest, Message
from tests.chat.conftest import open_conversation

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_request_then_accept(student: Any, professional: Any) -> None:
    created = client_for(student).post(
        "/api/contacts/", {"professional": professional.pk, "message": "Bonjour"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json() == {"id": created.json()["id"], "status": "pending"}
    request_id = created.json()["id"]

    listed = client_for(professional).get("/api/contacts/?status=pending").json()["results"]
    assert [r["id"] for r in listed] == [request_id]
    assert listed[0]["student"]["id"] == student.pk

    forbidden = client_for(student).post(f"/api/contacts/{request_id}/accept/")
    assert forbidden.status_code == 404
    assert forbidden.json()["error"]["code"] == "not_found"

    accepted = client_for(professional).post(f"/api/contacts/{request_id}/accept/")
    assert accepted.status_code == 200
    body = accepted.json()
    conversation_id = body["conversation"]["id"]
    assert body == {
        "id": request_id,
        "status": "accepted",
        "conversation": {"id": conversation_id, "topic": f"dm:{conversation_id}"},
    }
    again = client_for(professional).post(f"/api/contacts/{request_id}/accept/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    inbox = client_for(professional).get("/api/conversations/").json()["results"]
    assert inbox[0]["id"] == conversation_id and inbox[0]["unread"] == 1
    messages = client_for(student).get(f"/api/conversations/{conversation_id}/messages/").json()
    assert [m["body"] for m in messages["results"]] == ["Bonjour"]


def test_decline(student: Any, professional: Any) -> None:
    request_id = (
        client_for(student)
        .post("/api/contacts/", {"professional": professional.pk, "message": "hi"}, format="json")
        .json()["id"]
    )
    declined = client_for(professional).post(f"/api/contacts/{request_id}/decline/")
    assert declined.json() == {"id": request_id, "status": "declined"}
    assert ContactRequest.objects.get(pk=request_id).status == "declined"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"message": "hi"}, 400, "professional"),
        ({"professional": "x", "message": "hi"}, 400, "professional"),
        ({"professional": 999999, "message": "hi"}, 400, "professional"),
        ({"professional": None, "message": "   "}, 400, "message"),
        ({"professional": None, "message": "x" * 1001}, 400, "message"),
    ],
)
def test_bad_requests(
    student: Any, professional: Any, payload: dict[str, Any], status: int, field: str
) -> None:
    if payload.get("professional", 0) is None:
        payload = {**payload, "professional": professional.pk}
    response = client_for(student).post("/api/contacts/", payload, format="json")
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == "bad_request" and field in error["fields"]
    assert not ContactRequest.objects.exists()


def test_professional_cannot_contact_first(make_user: Any, professional: Any) -> None:
    other = make_user(role="professional", verified=True)
    response = client_for(professional).post(
        "/api/contacts/", {"professional": other.pk, "message": "hi"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_unauthenticated_and_outsiders(make_user: Any, student: Any, professional: Any) -> None:
    assert APIClient().get("/api/conversations/").status_code in (401, 403)
    conversation = open_conversation(student, professional)
    outsider = client_for(make_user()).get(f"/api/conversations/{conversation.pk}/messages/")
    assert outsider.status_code == 404  # as a missing conversation: ids cannot be probed
    assert Message.objects.count() == 1


def test_history_before_seq(student: Any, professional: Any, unlimited_chat: None) -> None:
    from chat import services

    conversation = open_conversation(student, professional)
    for n in range(30):
        services.message_send(
            author=student, conversation=conversation, body=str(n), client_id=str(n)
        )
    page = (
        client_for(professional)
        .get(f"/api/conversations/{conversation.pk}/messages/?before_seq=20&limit=5")
        .json()
    )
    assert [m["seq"] for m in page["results"]] == [15, 16, 17, 18, 19] and page["older"]
    bad = client_for(professional).get(f"/api/conversations/{conversation.pk}/messages/?limit=500")
    assert bad.status_code == 400
