"""What chat offers other apps instead of its tables: contacts, and opening a topic's chat."""

from typing import Any

import pytest

from chat import selectors, services
from chat.access import access_conversation
from chat.models import Conversation, Membership
from tests.chat.conftest import open_conversation

pytestmark = pytest.mark.django_db


def test_contacts_are_people_with_a_direct_conversation(
    make_user: Any, student: Any, professional: Any
) -> None:
    other = make_user(role="student")
    assert not selectors.contact_exists(user=professional, other=student)
    services.contact_request_create(student=other, professional=professional, message="hi")
    assert list(selectors.contact_list(user=professional)) == []  # a pending request is not
    open_conversation(student, professional)
    assert selectors.contact_exists(user=professional, other=student)
    assert selectors.contact_exists(user=student, other=professional)
    assert list(selectors.contact_list(user=professional)) == [student]
    # A room's chat makes no contacts, and a contact who left is none.
    room_chat = services.conversation_open(kind="room", topic="room:424242")
    services.conversation_member_add(conversation=room_chat, user=other)
    services.conversation_member_add(conversation=room_chat, user=professional)
    assert not selectors.contact_exists(user=professional, other=other)
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert not selectors.contact_exists(user=professional, other=student)


def test_a_topic_s_chat_opens_once_and_members_join_once(student: Any) -> None:
    first = services.conversation_open(kind="room", topic="room:77")
    again = services.conversation_open(kind="room", topic="room:77")
    assert first == again and (first.kind, first.topic) == ("room", "room:77")
    assert Conversation.objects.count() == 1
    for _ in range(2):
        services.conversation_member_add(conversation=first, user=student)
    assert Membership.objects.filter(conversation=first, user=student).count() == 1


def test_the_dm_a_contact_request_opens_lets_both_in(student: Any, professional: Any) -> None:
    conversation = open_conversation(student, professional)
    members = list(
        Membership.objects.filter(conversation=conversation)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    assert members == [student.pk, professional.pk]  # the student first, as before
    for user in (student, professional):
        assert access_conversation(user=user, topic=conversation.topic) == conversation
