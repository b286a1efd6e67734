"""The contact policy (safeguarding/policy.py): its rules, its relationship registry, and chat
asking it before a direct conversation opens."""

from typing import Any

import pytest

from chat import services as chat_services
from chat.models import Conversation, Membership
from safeguarding import policy
from tests.chat.conftest import open_conversation

pytestmark = pytest.mark.django_db


def test_an_inactive_account_may_not_chat(make_user: Any) -> None:
    user = make_user(role="student")
    assert policy.may_chat(user).allowed
    user.is_active = False
    refused = policy.may_chat(user)
    assert (refused.allowed, refused.party) == (False, "sender")


@pytest.mark.parametrize(
    ("sender", "recipient", "party"),
    [
        ({"role": "student"}, {"role": "professional", "verified": True}, None),
        ({"role": "professional", "verified": True}, {"role": "professional"}, "sender"),
        ({"role": "moderator"}, {"role": "professional", "verified": True}, "sender"),
        ({"role": "student", "is_active": False}, {"role": "professional"}, "sender"),
        ({"role": "student"}, {"role": "professional", "verified": False}, "recipient"),
        ({"role": "student"}, {"role": "student"}, "recipient"),
        (
            {"role": "student"},
            {"role": "professional", "verified": True, "is_active": False},
            "recipient",
        ),
    ],
)
def test_only_students_ask_only_verified_professionals(
    make_user: Any, sender: dict[str, Any], recipient: dict[str, Any], party: str | None
) -> None:
    verdict = policy.may_contact(sender=make_user(**sender), recipient=make_user(**recipient))
    assert verdict.allowed is (party is None)
    assert verdict.party == party


def test_a_student_messages_a_professional_only_after_an_accepted_request(
    student: Any, professional: Any
) -> None:
    refused = policy.may_message(sender=student, recipient=professional)
    assert (refused.allowed, refused.party) == (False, "pair")
    request = chat_services.contact_request_create(
        student=student, professional=professional, message="hi"
    )
    # A pending request is not enough.
    assert not policy.may_message(sender=student, recipient=professional).allowed
    chat_services.contact_request_accept(professional=professional, request_id=request.pk)
    assert policy.may_message(sender=student, recipient=professional).allowed
    assert policy.may_message(sender=professional, recipient=student).allowed
    assert policy.relationship_between(student, professional) == "accepted contact request"


def test_a_registered_relationship_is_what_lets_two_people_talk(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = make_user(role="student"), make_user(role="student")
    assert not policy.may_message(sender=one, recipient=two).allowed
    monkeypatch.setitem(policy._RELATIONSHIPS, "same school", lambda a, b: True)
    assert policy.may_message(sender=one, recipient=two).allowed
    assert policy.relationship_between(one, two) == "same school"
    # The relationship never overrides the account rules.
    assert not policy.may_message(sender=one, recipient=one).allowed
    two.is_active = False
    assert policy.may_message(sender=one, recipient=two).party == "recipient"


def test_an_unverified_professional_may_not_message_even_with_a_relationship(
    make_user: Any, student: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(policy._RELATIONSHIPS, "always", lambda a, b: True)
    unverified = make_user(role="professional", verified=False)
    assert policy.may_message(sender=unverified, recipient=student).party == "sender"
    assert policy.may_message(sender=student, recipient=unverified).party == "recipient"


def test_chat_opens_no_direct_conversation_the_policy_refuses(
    student: Any, professional: Any
) -> None:
    with pytest.raises(chat_services.ChatError) as refused:
        chat_services.direct_conversation_open(sender=student, recipient=professional)
    assert refused.value.code == "forbidden"
    assert not Conversation.objects.exists() and not Membership.objects.exists()
    # Through an accepted request it opens, and opening again answers the same conversation.
    conversation = open_conversation(student, professional)
    again = chat_services.direct_conversation_open(sender=professional, recipient=student)
    assert again == conversation


def test_an_unverified_professional_cannot_accept(student: Any, professional: Any) -> None:
    request = chat_services.contact_request_create(
        student=student, professional=professional, message="hi"
    )
    professional.verified = False
    professional.save(update_fields=["verified"])
    with pytest.raises(chat_services.ChatError) as refused:
        chat_services.contact_request_accept(professional=professional, request_id=request.pk)
    assert refused.value.code == "forbidden"
    request.refresh_from_db()
    assert request.status == "pending" and request.conversation is None
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("guest", "are_contacts", "allowed"),
    [
        ({"role": "professional", "verified": True}, False, True),
        ({"role": "professional", "verified": False}, False, False),
        ({"role": "professional", "verified": False}, True, True),
        ({"role": "student"}, False, False),
        ({"role": "student"}, True, True),
        ({"role": "student", "is_active": False}, True, False),
    ],
)
def test_a_host_invites_verified_professionals_and_contacts(
    make_user: Any, guest: dict[str, Any], are_contacts: bool, allowed: bool
) -> None:
    host = make_user(role="professional", verified=True)
    verdict = policy.may_invite(host=host, guest=make_user(**guest), are_contacts=are_contacts)
    assert verdict.allowed is allowed
    assert policy.may_invite(host=host, guest=host, are_contacts=True).allowed is False
