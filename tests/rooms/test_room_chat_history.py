"""A room's older chat history comes from the same REST endpoint as a direct chat's, under the
room's own access rule."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from chat import services as chat_services
from rooms.models import RoomParticipant
from rooms.services.lifecycle import room_conversation
from tests.rooms.conftest import make_contact, make_room

pytestmark = pytest.mark.django_db


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_participants_page_back_through_the_room_chat(
    professional: Any, student: Any, make_user: Any
) -> None:
    room = make_room(professional)
    RoomParticipant.objects.create(room=room, user=student, role="audience", admitted=True)
    chat = room_conversation(room)
    for n in range(1, 5):
        chat_services.message_send(
            author=professional, conversation=chat, body=f"m{n}", client_id=f"c{n}"
        )
    url = f"/api/conversations/{chat.pk}/messages/?before_seq=3"

    page = _client(student).get(url)
    assert page.status_code == 200, page.content
    assert [m["seq"] for m in page.json()["results"]] == [1, 2]
    assert [m["topic"] for m in page.json()["results"]] == [room.topic] * 2
    assert _client(professional).get(url).status_code == 200

    outsider = make_user(role="student", birth_year=2009)
    refused = _client(outsider).get(url)
    assert refused.status_code in (403, 404)
    assert "results" not in refused.json()


def test_conversations_one_may_not_see_all_look_missing(
    professional: Any, student: Any, make_user: Any
) -> None:
    """No existence oracle (issue 18): a missing conversation, someone else's direct chat, an
    invite-only room's chat and a public room's one never entered get the same answer."""
    private = room_conversation(make_room(professional, visibility="invite"))
    public = room_conversation(make_room(professional))
    direct = make_contact(professional, make_user(role="student")).conversation
    answers = [
        _client(student).get(f"/api/conversations/{conversation_id}/messages/")
        for conversation_id in (987654, direct.pk, private.pk, public.pk)
    ]
    assert {answer.status_code for answer in answers} == {404}
    assert [answer.json() for answer in answers] == [answers[0].json()] * 4
    assert answers[0].json()["error"]["code"] == "not_found"
