"""Chat's report target: members report a direct conversation, or one message of it, and
moderators read its record (safeguarding.targets). Registered by `ChatConfig.ready`."""

from collections.abc import Collection
from typing import Any

from accounts.models import User
from chat.access import CONVERSATION, ChatAccessError, access_conversation
from chat.models import Conversation, Message
from chat.selectors import conversation_members
from safeguarding.services import ReportError
from safeguarding.targets import RecordLine, ReportRecord, ReportTarget

# A record shows the latest messages; the page says when older ones were left out.
RECORD_MAX = 1000


def _check(reporter: User, conversation_id: int, message_id: int | None) -> None:
    """Members may report their direct conversation, or one message of it."""
    try:
        conversation = access_conversation(user=reporter, topic=f"dm:{conversation_id}")
    except ChatAccessError as exc:
        raise ReportError("forbidden", exc.message, field="conversation") from None
    if message_id is not None and not (
        Message.objects.filter(pk=message_id, conversation=conversation).exists()
    ):
        raise ReportError(
            "bad_request", "This message is not in this conversation.", field="message"
        )


def _refs(conversation_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    topics = dict(Conversation.objects.filter(pk__in=conversation_ids).values_list("id", "topic"))
    return {pk: {"id": pk, "topic": topics.get(pk)} for pk in conversation_ids}


def _record(conversation_id: int, message_id: int | None) -> ReportRecord:
    """The latest RECORD_MAX messages in seq order, deleted ones with their body, the
    reported one marked."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return ReportRecord(members=[], lines=[], truncated=False)
    rows = list(
        Message.objects.filter(conversation=conversation)
        .select_related("author")
        .order_by("-seq")[: RECORD_MAX + 1]
    )
    return ReportRecord(
        members=conversation_members(conversation=conversation),
        lines=[
            RecordLine(
                seq=m.seq,
                author=m.author.display_name or m.author.username,
                body=m.body,
                created_at=m.created_at,
                edited=m.edited_at is not None,
                deleted=m.deleted_at is not None,
                reported=m.pk == message_id,
            )
            for m in reversed(rows[:RECORD_MAX])
        ],
        truncated=len(rows) > RECORD_MAX,
    )


CONVERSATION_TARGET = ReportTarget(kind=CONVERSATION, check=_check, refs=_refs, record=_record)
