"""Chat services and selectors: contact rules, seq allocation, idempotency, edits, inbox."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chat import selectors, services
from chat.access import ChatAccessError, access_conversation
from chat.models import ContactRequest, Message
from tests.chat.conftest import open_conversation

pytestmark = pytest.mark.django_db


def test_accept_opens_a_conversation_with_the_request_as_first_message(
    student: Any, professional: Any
) -> None:
    conversation = open_conversation(student, professional, "  Bonjour !  ")
    assert conversation.topic == f"dm:{conversation.pk}"
    first = Message.objects.get(conversation=conversation)
    assert (first.seq, first.author_id, first.body) == (1, student.pk, "Bonjour !")
    assert access_conversation(user=student, topic=conversation.topic) == conversation
    assert access_conversation(user=professional, topic=conversation.topic) == conversation


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ({"role": "professional", "verified": False}, "bad_request"),
        ({"role": "student"}, "bad_request"),
        ({"role": "professional", "verified": True, "is_active": False}, "bad_request"),
    ],
)
def test_only_verified_professionals_can_be_contacted(
    make_user: Any, student: Any, target: dict[str, Any], code: str
) -> None:
    with pytest.raises(services.ChatError) as refused:
        services.contact_request_create(
            student=student, professional=make_user(**target), message="hi"
        )
    assert refused.value.code == code
    assert not ContactRequest.objects.exists()


def test_professionals_cannot_contact_first(make_user: Any, professional: Any) -> None:
    other = make_user(role="professional", verified=True)
    with pytest.raises(services.ChatError) as refused:
        services.contact_request_create(student=professional, professional=other, message="hi")
    assert refused.value.code == "forbidden"


def test_pending_requests_are_limited_and_not_duplicated(
    make_user: Any, student: Any, settings: Any
) -> None:
    settings.CHAT_MAX_PENDING_REQUESTS = 2
    pros = [make_user(role="professional", verified=True) for _ in range(3)]
    services.contact_request_create(student=student, professional=pros[0], message="a")
    with pytest.raises(services.ChatError) as duplicate:
        services.contact_request_create(student=student, professional=pros[0], message="b")
    assert duplicate.value.code == "conflict"
    services.contact_request_create(student=student, professional=pros[1], message="c")
    with pytest.raises(services.ChatError) as too_many:
        services.contact_request_create(student=student, professional=pros[2], message="d")
    assert too_many.value.code == "conflict"
    assert ContactRequest.objects.count() == 2


def test_no_second_request_once_a_conversation_exists(student: Any, professional: Any) -> None:
    open_conversation(student, professional)
    with pytest.raises(services.ChatError) as refused:
        services.contact_request_create(student=student, professional=professional, message="x")
    assert refused.value.code == "conflict"


def test_only_the_addressee_decides_once(make_user: Any, student: Any, professional: Any) -> None:
    request = services.contact_request_create(
        student=student, professional=professional, message="hi"
    )
    other = make_user(role="professional", verified=True)
    with pytest.raises(services.ChatError) as stranger:
        services.contact_request_accept(professional=other, request_id=request.pk)
    assert stranger.value.code == "not_found"
    services.contact_request_decline(professional=professional, request_id=request.pk)
    with pytest.raises(services.ChatError) as again:
        services.contact_request_accept(professional=professional, request_id=request.pk)
    assert again.value.code == "conflict"


def test_send_allocates_seq_and_is_idempotent(conversation: Any, student: Any) -> None:
    first = services.message_send(
        author=student, conversation=conversation, body=" <b>hi</b> ", client_id="c-1"
    )
    again = services.message_send(
        author=student, conversation=conversation, body="changed", client_id="c-1"
    )
    assert first.created and not again.created
    assert again.message.pk == first.message.pk
    assert (first.message.seq, first.message.body) == (2, "<b>hi</b>")
    conversation.refresh_from_db()
    assert conversation.last_seq == 2
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_client_id_of_another_author_is_a_conflict(
    conversation: Any, student: Any, professional: Any
) -> None:
    services.message_send(author=student, conversation=conversation, body="a", client_id="x")
    with pytest.raises(services.ChatError) as refused:
        services.message_send(
            author=professional, conversation=conversation, body="b", client_id="x"
        )
    assert refused.value.code == "conflict"


@pytest.mark.parametrize(("body", "code"), [("   ", "bad_request"), ("x" * 4001, "too_large")])
def test_bad_bodies_store_nothing(conversation: Any, student: Any, body: str, code: str) -> None:
    with pytest.raises(services.ChatError) as refused:
        services.message_send(author=student, conversation=conversation, body=body, client_id="b")
    assert refused.value.code == code
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_rate_limit_per_user(conversation: Any, student: Any, settings: Any) -> None:
    settings.CHAT_MESSAGES_PER_MINUTE = 3
    for n in range(3):
        services.message_send(
            author=student, conversation=conversation, body="m", client_id=f"r{n}"
        )
    with pytest.raises(services.ChatError) as limited:
        services.message_send(author=student, conversation=conversation, body="m", client_id="r9")
    assert limited.value.code == "rate_limited"
    # A resend of a stored message is still answered: it costs nothing.
    services.message_send(author=student, conversation=conversation, body="m", client_id="r0")


def test_edit_and_delete_rules(conversation: Any, student: Any, professional: Any) -> None:
    sent = services.message_send(
        author=student, conversation=conversation, body="tpyo", client_id="e"
    ).message
    with pytest.raises(services.ChatError) as foreign:
        services.message_edit(
            author=professional, conversation=conversation, message_id=sent.pk, body="x"
        )
    assert foreign.value.code == "forbidden"
    edited = services.message_edit(
        author=student, conversation=conversation, message_id=sent.pk, body="typo"
    )
    assert edited.body == "typo" and edited.edited_at is not None
    services.message_delete(author=student, conversation=conversation, message_id=sent.pk)
    stored = Message.objects.get(pk=sent.pk)
    assert stored.deleted_at is not None and stored.body == "typo"  # kept for moderation
    history = selectors.message_history(conversation=conversation, after_seq=0)
    assert history.messages[-1]["deleted"] is True and history.messages[-1]["body"] == ""

    late = services.message_send(
        author=student, conversation=conversation, body="old", client_id="late"
    ).message
    Message.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    for change in (
        lambda: services.message_edit(
            author=student, conversation=conversation, message_id=late.pk, body="new"
        ),
        lambda: services.message_delete(
            author=student, conversation=conversation, message_id=late.pk
        ),
    ):
        with pytest.raises(services.ChatError) as too_late:
            change()
        assert too_late.value.code == "forbidden"
    assert Message.objects.get(pk=late.pk).body == "old"


def test_outsiders_cannot_access(make_user: Any, conversation: Any) -> None:
    for topic in (conversation.topic, "dm:999999", "dm:abc", "nope:1"):
        with pytest.raises(ChatAccessError):
            access_conversation(user=make_user(), topic=topic)


def test_inbox_orders_by_activity_with_unread_counts(
    make_user: Any, student: Any, django_assert_max_num_queries: Any
) -> None:
    pros = [make_user(role="professional", verified=True) for _ in range(3)]
    chats = [open_conversation(student, pro, f"hello {n}") for n, pro in enumerate(pros)]
    services.message_send(author=pros[0], conversation=chats[0], body="reply", client_id="p")
    with django_assert_max_num_queries(3):
        inbox = selectors.conversation_list(user=student)
    assert [c["id"] for c in inbox] == [chats[0].pk, chats[2].pk, chats[1].pk]
    assert [c["unread"] for c in inbox] == [1, 0, 0]
    assert inbox[0]["last_message"] == "reply"
    assert inbox[0]["members"][0]["id"] == pros[0].pk
    services.membership_mark_read(user=student, conversation=chats[0], seq=99)
    assert selectors.conversation_list(user=student)[0]["unread"] == 0
    # Sending marks one's own message read; the request's message is unread for its addressee.
    assert selectors.conversation_list(user=pros[0])[0]["unread"] == 0
    assert selectors.conversation_list(user=pros[1])[0]["unread"] == 1


def test_history_pages(conversation: Any, student: Any, unlimited_chat: None) -> None:
    for n in range(250):
        services.message_send(
            author=student, conversation=conversation, body=f"m{n}", client_id=f"h{n}"
        )
    conversation.refresh_from_db()
    assert conversation.last_seq == 251
    resume = selectors.message_history(conversation=conversation, after_seq=10)
    assert [m["seq"] for m in resume.messages] == list(range(11, 211))
    assert resume.more and resume.seq == 210
    rest = selectors.message_history(conversation=conversation, after_seq=210)
    assert [m["seq"] for m in rest.messages] == list(range(211, 252)) and not rest.more
    latest = selectors.message_history(conversation=conversation, after_seq=None)
    assert [m["seq"] for m in latest.messages] == list(range(202, 252)) and latest.older
    older = selectors.message_page_before(conversation=conversation, before_seq=202, limit=50)
    assert [m["seq"] for m in older.messages] == list(range(152, 202)) and older.older


def test_edit_and_send_share_one_length_rule(conversation: Any, student: Any) -> None:
    """A probe stored 7,999 characters by editing while sending refused 4,001: one rule now."""
    from chat.models import MESSAGE_MAX_LENGTH

    longest = "x" * MESSAGE_MAX_LENGTH
    sent = services.message_send(
        author=student, conversation=conversation, body=longest, client_id="long"
    ).message
    assert sent.body == longest
    for change in (
        lambda: services.message_send(
            author=student, conversation=conversation, body=longest + "y", client_id="longer"
        ),
        lambda: services.message_edit(
            author=student, conversation=conversation, message_id=sent.pk, body=longest + "y"
        ),
    ):
        with pytest.raises(services.ChatError) as refused:
            change()
        assert refused.value.code == "too_large" and refused.value.field == "body"
    assert Message.objects.get(pk=sent.pk).body == longest
    assert not Message.objects.filter(client_id="longer").exists()
