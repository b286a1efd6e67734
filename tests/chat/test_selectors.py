"""Chat reads that must stay cheap as topics grow."""

from collections.abc import Callable
from typing import Any

import pytest

from chat import actions
from chat.selectors import MEMBERS_IN_JOIN
from realtime.topics import Topic
from tests.chat.conftest import empty_conversation

pytestmark = pytest.mark.django_db


def test_a_join_lists_the_first_members_of_a_large_conversation(
    make_user: Callable[..., Any],
) -> None:
    users = [make_user() for _ in range(MEMBERS_IN_JOIN + 2)]
    conversation = empty_conversation(*users)
    data, _seq = actions.join(user=users[-1], topic=Topic.parse(conversation.topic), last_seq=None)
    assert [m["id"] for m in data["members"]] == [u.pk for u in users[:MEMBERS_IN_JOIN]]
    assert data["members_more"] is True


def test_a_small_conversation_lists_every_member(make_user: Callable[..., Any]) -> None:
    users = [make_user() for _ in range(3)]
    conversation = empty_conversation(*users)
    data, _seq = actions.join(user=users[0], topic=Topic.parse(conversation.topic), last_seq=None)
    assert {m["id"] for m in data["members"]} == {u.pk for u in users}
    assert data["members_more"] is False
