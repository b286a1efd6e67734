"""Storing chat messages, one or many in one transaction (grouped inserts).

`message_send_batch` is the one implementation of sending: `services.message_send` calls it
with one request, and the gateway's per-process writer (`chat.writer`) with every
`message.send` frame that arrived within a few milliseconds. A batch takes each
conversation's row lock once (in id order, so two processes never deadlock), reads the
`client_id`s already stored under that lock, allocates consecutive seqs, inserts the rows in
one statement, and pushes `message.new` for each after the commit. Each request gets its own
outcome: one refused (empty, too long, rate limited, a `client_id` of another author) fails
alone, and one that breaks the transaction makes the batch retry request by request.
"""

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from chat import batch_sql
from chat.announce import conversation_activity_on_commit
from chat.models import Conversation, Membership, Message
from chat.payloads import message_payload
from chat.ratelimit import rate_allowances
from chat.rules import ChatError, SendResult, message_body_checked
from realtime.broadcast import push_on_commit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendRequest:
    author: User
    conversation: Conversation
    body: str
    client_id: str
    rate_limited: bool = True


# What each request gets: the stored message, a refusal, or (for a request that broke the
# transaction on its own) the unexpected exception.
Outcome = SendResult | ChatError | Exception


def message_send_batch(requests: Sequence[SendRequest]) -> list[Outcome]:
    """Store every acceptable request with the next seqs of its conversation, in one
    transaction; after the commit push `message.new` for each stored message.

    Outcomes are in request order. A `client_id` already stored (or earlier in the batch) by
    the same author answers with that message (`created=False`), stores and pushes nothing
    and is not rate limited; by another author it is a `conflict`. `bad_request` / `too_large`
    for an empty or too long body, `rate_limited` past CHAT_MESSAGES_PER_MINUTE (the author's
    earliest messages of the batch pass). If the transaction fails unexpectedly, each request
    is retried in a transaction of its own, so only the one at fault fails; a batch of one
    raises instead.
    """
    try:
        with transaction.atomic():
            return _store(requests)
    except Exception:
        if len(requests) == 1:
            raise
        logger.warning("chat batch of %d failed; retrying one by one", len(requests), exc_info=True)
    outcomes: list[Outcome] = []
    for request in requests:
        # Take the outcome only once the commit went through: a commit can fail too (SQLite
        # checks foreign keys at COMMIT).
        try:
            with transaction.atomic():
                alone = _store([request])
        except Exception as exc:
            alone = [exc]
        outcomes += alone
    return outcomes


def _store(requests: Sequence[SendRequest]) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(requests)
    texts: dict[int, str] = {}
    by_conversation: dict[int, list[int]] = {}
    for index, request in enumerate(requests):
        try:
            texts[index] = message_body_checked(request.body)
        except ChatError as exc:
            outcomes[index] = exc
            continue
        by_conversation.setdefault(request.conversation.pk, []).append(index)
    if by_conversation:
        # One lock statement for every conversation of the batch, in id order so two
        # processes never deadlock; it serialises seq allocation with every other writer
        # (SQLite's IMMEDIATE transactions hold the database write lock already).
        locked = batch_sql.lock_conversations(by_conversation)
        stored = batch_sql.stored_messages(by_conversation, {requests[i].client_id for i in texts})
        fresh = {
            conversation_id: _fresh(
                locked[conversation_id],
                by_conversation[conversation_id],
                requests,
                stored,
                outcomes,
            )
            for conversation_id in sorted(by_conversation)
        }
        # One rate check for the whole batch (one cache round trip), then consecutive seqs.
        allowed = set(_within_rate([i for new in fresh.values() for i in new], requests, outcomes))
        now = timezone.now()
        rows: list[tuple[int, Message]] = []
        for conversation_id, new in fresh.items():
            rows += _allocate(
                locked[conversation_id], [i for i in new if i in allowed], requests, texts, now
            )
        batch_sql.insert_messages([message for _index, message in rows])
        for index, message in rows:
            outcomes[index] = SendResult(message=message, created=True)
        _answer_repeats(requests, outcomes)
        _record(locked, rows, requests)
    return [outcome for outcome in outcomes if outcome is not None]


def _fresh(
    locked: Conversation,
    indexes: list[int],
    requests: Sequence[SendRequest],
    stored: dict[tuple[int, str], Message],
    outcomes: list[Outcome | None],
) -> list[int]:
    """Answer the resends of one conversation; the requests that are new, in order."""
    new: list[int] = []
    seen: set[str] = set()
    for index in indexes:
        request = requests[index]
        existing = stored.get((locked.pk, request.client_id))
        if existing is not None:
            outcomes[index] = _resent(existing, request.author)
        elif request.client_id not in seen:  # a repeat is answered by _answer_repeats
            seen.add(request.client_id)
            new.append(index)
    return new


def _allocate(
    locked: Conversation,
    indexes: list[int],
    requests: Sequence[SendRequest],
    texts: dict[int, str],
    now: dt.datetime,
) -> list[tuple[int, Message]]:
    """The new messages of one conversation, with the seqs that follow its last one."""
    return [
        (
            index,
            Message(
                conversation=locked,
                seq=locked.last_seq + offset,
                author=requests[index].author,
                body=texts[index],
                client_id=requests[index].client_id,
                created_at=now,
            ),
        )
        for offset, index in enumerate(indexes, start=1)
    ]


def _answer_repeats(requests: Sequence[SendRequest], outcomes: list[Outcome | None]) -> None:
    """A client_id repeated inside the batch gets what its first request got."""
    first: dict[tuple[int, str], Outcome] = {}
    pending: list[int] = []
    for index, request in enumerate(requests):
        key = (request.conversation.pk, request.client_id)
        outcome = outcomes[index]
        if outcome is None:
            pending.append(index)
        elif key not in first or (
            isinstance(outcome, SendResult) and not isinstance(first[key], SendResult)
        ):
            first[key] = outcome  # the stored message wins over an earlier refusal
    for index in pending:
        request = requests[index]
        earlier = first[(request.conversation.pk, request.client_id)]
        if isinstance(earlier, SendResult):
            outcomes[index] = _resent(earlier.message, request.author)
        else:
            outcomes[index] = earlier


# UPDATE ... FROM: PostgreSQL, and SQLite since 3.33. `{ids}` becomes placeholders.
_MOVE_CONVERSATIONS = (
    f"UPDATE {Conversation._meta.db_table} AS c SET last_seq = m.seq, "  # noqa: S608
    f"last_message_at = m.created_at FROM {Message._meta.db_table} AS m "
    "WHERE m.conversation_id = c.id AND m.id IN ({ids})"
)
_MOVE_READ_MARKS = (
    f"UPDATE {Membership._meta.db_table} AS r SET last_read_seq = m.seq "  # noqa: S608
    f"FROM {Message._meta.db_table} AS m WHERE m.conversation_id = r.conversation_id "
    "AND m.author_id = r.user_id AND m.id IN ({ids})"
)


def _record(
    locked: dict[int, Conversation],
    rows: list[tuple[int, Message]],
    requests: Sequence[SendRequest],
) -> None:
    """Move each conversation's last_seq and its senders' read marks; push on commit."""
    if not rows:
        return
    last: dict[int, Message] = {}
    read: dict[tuple[int, int], int] = {}  # (conversation, author) -> newest message id
    for _index, message in rows:
        last[message.conversation_id] = message
        read[(message.conversation_id, message.author_id)] = message.pk
    # Two statements whatever the batch holds (the database thread waits for each one), with
    # only message ids as parameters: each conversation takes its newest message's seq and
    # time, each sender's read mark the seq of their own newest message.
    with connection.cursor() as cursor:
        for statement, ids in (
            (_MOVE_CONVERSATIONS, [message.pk for message in last.values()]),
            (_MOVE_READ_MARKS, list(read.values())),
        ):
            # Table names come from the models and the list holds only placeholders.
            cursor.execute(statement.format(ids=", ".join(["%s"] * len(ids))), ids)
    for index, message in rows:
        conversation = requests[index].conversation
        newest = last[message.conversation_id]
        conversation.last_seq, conversation.last_message_at = newest.seq, newest.created_at
    for _index, message in rows:
        topic = locked[message.conversation_id].topic
        assert topic is not None  # noqa: S101  (set when the conversation is made)
        push_on_commit(topic, "message.new", message_payload(message, topic=topic), seq=message.seq)
    conversation_activity_on_commit((requests[i].conversation, message) for i, message in rows)


def _within_rate(
    new: list[int], requests: Sequence[SendRequest], outcomes: list[Outcome | None]
) -> list[int]:
    """The new requests each author may still send; the others are refused `rate_limited`."""
    wanted: dict[int, list[int]] = {}
    for index in new:
        if requests[index].rate_limited:
            wanted.setdefault(requests[index].author.pk, []).append(index)
    refused: set[int] = set()
    allowances = rate_allowances({author: len(indexes) for author, indexes in wanted.items()})
    for author, indexes in wanted.items():
        refused.update(indexes[allowances[author] :])
    for index in refused:
        outcomes[index] = ChatError(
            "rate_limited", "You are sending messages too fast; wait a moment."
        )
    return [index for index in new if index not in refused]


def _resent(existing: Message, author: User) -> Outcome:
    if existing.author_id != author.pk:
        return ChatError("conflict", "This client_id is already used.", field="client_id")
    return SendResult(message=existing, created=False)
