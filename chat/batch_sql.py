"""The statements of the batched send path (`chat.sending`, `chat.access`, `chat.announce`),
written in SQL.

Under load the process's one database thread runs a chat batch after another, and building
each query with the ORM was most of a batch's time: on the 2-core machine, 0.35 to 2.6 ms of CPU
per query (a `select_related`, a join through a relation) against 0.05 to 0.1 ms to send the
statement and read its rows (docs/chat.md, "The send path in SQL"). These are the same
statements with the table and column names taken from the models, for PostgreSQL and SQLite
alike (placeholders through Django's cursor, `FOR UPDATE` where the database has it, values
adapted by the backend's own operations). Everything else in chat keeps the ORM.
"""

from collections.abc import Collection, Sequence
from typing import Any

from django.db import connection

from chat.models import Conversation, Membership, Message

_CONVERSATIONS = Conversation._meta.db_table
_MEMBERSHIPS = Membership._meta.db_table
_MESSAGES = Message._meta.db_table
# The columns a new message is inserted with (the id comes back from the database). A new
# message has revision 0 and is neither edited nor deleted (those columns stay NULL).
_NEW_MESSAGE_COLUMNS = ("conversation_id", "seq", "author_id", "body", "client_id", "created_at")
_INSERT_INTO = f"INSERT INTO {_MESSAGES} ({', '.join(_NEW_MESSAGE_COLUMNS)}, revision) "
_RETURNING = " RETURNING id, conversation_id, seq"
# PostgreSQL: one array per column, so every batch sends the same statement with six
# parameters. psycopg parses a statement's placeholders again for each call past 50
# parameters: for a batch of 20 messages (120 values) that was a sixth of the batch's CPU.
_INSERT_POSTGRESQL = (
    _INSERT_INTO  # noqa: S608  (names from the models, values only as parameters)
    + "SELECT n.*, 0 FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[], "
    "%s::text[], %s::timestamptz[]) AS n" + _RETURNING
)
_VALUES_ROW = "(" + ", ".join(["%s"] * len(_NEW_MESSAGE_COLUMNS)) + ", 0)"
# What a batch needs of a conversation it writes to; the rest is deferred, as `.only()` does.
ACCESS_FIELDS = ("id", "kind", "topic", "last_seq", "revision")


def _conversation(fields: Sequence[str], row: Sequence[Any]) -> Conversation:
    """A Conversation with `fields` loaded from `row` and the others deferred, as `.only()`
    makes it (`from_db` takes the values in the model's field order)."""
    loaded = dict(zip(fields, row, strict=True))
    values = [loaded[f.attname] for f in Conversation._meta.concrete_fields if f.attname in loaded]
    return Conversation.from_db(connection.alias, list(loaded), values)


def _marks(values: Collection[object]) -> str:
    """One placeholder per value, for `IN (...)`."""
    return ", ".join(["%s"] * len(values))


def members_of(conversation_ids: Collection[int]) -> list[tuple[int, int]]:
    """(conversation id, user id) of every member of these conversations."""
    if not conversation_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT conversation_id, user_id FROM {_MEMBERSHIPS} "  # noqa: S608
            f"WHERE conversation_id IN ({_marks(conversation_ids)})",
            list(conversation_ids),
        )
        return [(int(conversation), int(user)) for conversation, user in cursor.fetchall()]


def conversations_with_members(
    kind: str, conversation_ids: Collection[int], user_ids: Collection[int]
) -> tuple[dict[int, Conversation], set[tuple[int, int]]]:
    """The conversations of `kind` among `conversation_ids` that have one of `user_ids` as a
    member (with ACCESS_FIELDS loaded), and their (user id, conversation id) memberships among
    those users. One query: the join the access rule of direct chats asks."""
    if not conversation_ids or not user_ids:
        return {}, set()
    columns = ", ".join(f"c.{name}" for name in ACCESS_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, m.user_id FROM {_CONVERSATIONS} AS c "  # noqa: S608
            f"JOIN {_MEMBERSHIPS} AS m ON m.conversation_id = c.id "
            f"WHERE c.kind = %s AND c.id IN ({_marks(conversation_ids)}) "
            f"AND m.user_id IN ({_marks(user_ids)})",
            [kind, *conversation_ids, *user_ids],
        )
        rows = cursor.fetchall()
    conversations: dict[int, Conversation] = {}
    members: set[tuple[int, int]] = set()
    for row in rows:
        *values, user_id = row
        conversation_id = int(values[0])
        if conversation_id not in conversations:
            conversations[conversation_id] = _conversation(ACCESS_FIELDS, values)
        members.add((int(user_id), conversation_id))
    return conversations, members


def lock_conversations(conversation_ids: Collection[int]) -> dict[int, Conversation]:
    """Lock these conversations' rows until the transaction ends, in id order (so two
    processes never deadlock), and read their `last_seq` and `topic` under the lock. SQLite
    has no row locks: its write transactions (IMMEDIATE here) hold the whole database."""
    statement = (
        f"SELECT id, last_seq, topic FROM {_CONVERSATIONS} "  # noqa: S608
        f"WHERE id IN ({_marks(conversation_ids)}) ORDER BY id"
    )
    if connection.features.has_select_for_update:
        statement += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(statement, list(conversation_ids))
        rows = cursor.fetchall()
    return {int(row[0]): _conversation(("id", "last_seq", "topic"), row) for row in rows}


def stored_messages(
    conversation_ids: Collection[int], client_ids: Collection[str]
) -> dict[tuple[int, str], Message]:
    """Messages already stored with one of `client_ids` in these conversations, by
    (conversation id, client id). Resends are rare: the lookup is one small query, and only
    the messages found are loaded (with their author and conversation, for the answer)."""
    if not conversation_ids or not client_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {_MESSAGES} "  # noqa: S608
            f"WHERE conversation_id IN ({_marks(conversation_ids)}) "
            f"AND client_id IN ({_marks(client_ids)})",
            [*conversation_ids, *client_ids],
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
    if not ids:
        return {}
    found = Message.objects.select_related("author", "conversation").in_bulk(ids)
    return {(message.conversation_id, message.client_id): message for message in found.values()}


def insert_messages(messages: Sequence[Message]) -> None:
    """Insert new messages in one statement and set their ids, as `bulk_create` does."""
    if not messages:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        Message.objects.bulk_create(messages)
        return
    adapt_datetime = connection.ops.adapt_datetimefield_value
    rows = [
        (
            message.conversation_id,
            message.seq,
            message.author_id,
            message.body,
            message.client_id,
            adapt_datetime(message.created_at),
        )
        for message in messages
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_INSERT_POSTGRESQL, [list(column) for column in zip(*rows, strict=True)])
        else:
            cursor.execute(
                _INSERT_INTO + "VALUES " + ", ".join([_VALUES_ROW] * len(rows)) + _RETURNING,
                [value for row in rows for value in row],
            )
        # The order of RETURNING rows is not promised (SQLite): match them by their key.
        ids = {(int(c), int(s)): int(pk) for pk, c, s in cursor.fetchall()}
    for message in messages:
        message.pk = ids[(message.conversation_id, message.seq)]
        message._state.adding = False
        message._state.db = connection.alias
