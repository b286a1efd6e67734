"""Chat fixtures: an open direct conversation, and the gateway test client of tests/realtime."""

from typing import Any

import pytest

from chat import services
from chat.models import Conversation
from tests.realtime.conftest import (  # noqa: F401  (fixtures, re-exported for tests/chat)
    channel_layer,
    open_ws,
    thread_connections_closed,
)


def open_conversation(student: Any, professional: Any, message: str = "Hello!") -> Any:
    """A contact request accepted through the services: seq 1 is the request's message."""
    request = services.contact_request_create(
        student=student, professional=professional, message=message
    )
    accepted = services.contact_request_accept(professional=professional, request_id=request.pk)
    assert accepted.conversation is not None
    return accepted.conversation


@pytest.fixture
def conversation(student: Any, professional: Any) -> Any:
    return open_conversation(student, professional)


@pytest.fixture
def unlimited_chat(settings: Any) -> None:
    settings.CHAT_MESSAGES_PER_MINUTE = 100_000


def empty_conversation(*users: Any) -> Any:
    """A dm with no message yet (seq starts at 1), made directly for protocol tests."""
    from chat.models import Membership

    conversation = Conversation.objects.create(kind="dm")
    conversation.topic = f"dm:{conversation.pk}"
    conversation.save(update_fields=["topic"])
    Membership.objects.bulk_create([Membership(conversation=conversation, user=u) for u in users])
    return conversation
