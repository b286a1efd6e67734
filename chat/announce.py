"""Inbox pushes on the members' `user:` topics, so inboxes and header badges update live.

Only direct conversations announce activity: two members, one push each. Room conversations
can have hundreds of members, and their chat is read in the room.
"""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from accounts.models import User
from accounts.notifications.models import NotificationKind
from accounts.notifications.service import notify_once_after_commit
from chat import batch_sql
from chat.models import Conversation, Message
from realtime.users import user_notify

PREVIEW_LENGTH = 140


def conversation_activity_on_commit(latest: Iterable[tuple[Conversation, Message]]) -> None:
    """After commit, tell each member of the direct conversations in `latest` (each with its
    newest stored message) that a message arrived: `conversation.activity` `{"id", "topic",
    "last_seq", "last_message", "last_message_at", "author_id"}` on their user topic.
    Other kinds of conversation are skipped. One query for the members of all of them."""
    direct = {conversation.pk: (conversation, message) for conversation, message in latest}
    direct = {pk: pair for pk, pair in direct.items() if pair[0].kind == "dm"}
    if not direct:
        return
    away: list[tuple[int, dict[str, Any]]] = []
    for conversation_id, member_id in batch_sql.members_of(direct):
        conversation, message = direct[conversation_id]
        data: dict[str, Any] = {
            "id": conversation.pk,
            "topic": conversation.topic,
            "last_seq": message.seq,
            "last_message": message.body[:PREVIEW_LENGTH],
            "last_message_at": message.created_at.isoformat().replace("+00:00", "Z"),
            "author_id": message.author_id,
        }
        user_notify(member_id, "conversation.activity", data)
        if member_id != message.author_id:
            away.append(
                (
                    member_id,
                    {
                        "conversation": conversation.pk,
                        "name": message.author.display_name,
                        "url": reverse("chat:conversation", args=[conversation.pk]),
                    },
                )
            )
    # Once per conversation until read: the bell, the e-mail batch and Web Push say "new
    # messages", whatever their number, to a member who has not read them (after the commit,
    # in one go: the writer's batch keeps its fixed number of queries).
    notify_once_after_commit(
        kind=NotificationKind.MESSAGE_WHILE_AWAY, items=away, key="conversation"
    )


def conversation_read_on_commit(*, user: User, conversation: Conversation, seq: int) -> None:
    """After commit, tell the reader's other tabs (inbox, badge) that `conversation` is read up
    to `seq`: `conversation.read` `{"id", "last_read_seq"}` on the reader's user topic."""
    user_notify(user.pk, "conversation.read", {"id": conversation.pk, "last_read_seq": seq})
