"""Grouped inserts: `chat.sending.message_send_batch` and the gateway's per-process writer."""

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from chat import actions
from chat.access import ChatAccessError, access_conversation, access_conversations
from chat.models import Conversation, Membership, Message
from chat.sending import SendRequest, message_send_batch
from chat.services import ChatError, SendResult
from chat.writer import MessageWriter, writer
from realtime.topics import Topic
from tests.chat.conftest import empty_conversation
from tests.realtime.conftest import OpenWs, joined_user


def _request(author: Any, conversation: Any, body: str, client_id: str) -> SendRequest:
    return SendRequest(author=author, conversation=conversation, body=body, client_id=client_id)


def _seqs(conversation: Any) -> list[int]:
    return list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("seq", flat=True)
    )


@pytest.mark.django_db
def test_a_duplicate_client_id_in_one_batch_stores_one_message(
    student: Any, professional: Any, unlimited_chat: None, django_capture_on_commit_callbacks: Any
) -> None:
    dm = empty_conversation(student, professional)
    with django_capture_on_commit_callbacks() as callbacks:
        first, again, other = message_send_batch(
            [
                _request(student, dm, "hello", "same"),
                _request(student, dm, "hello (resent)", "same"),
                _request(student, dm, "next", "other"),
            ]
        )
    assert isinstance(first, SendResult) and first.created
    assert isinstance(again, SendResult) and not again.created
    assert again.message.pk == first.message.pk and again.message.body == "hello"
    assert isinstance(other, SendResult) and other.message.seq == 2
    assert _seqs(dm) == [1, 2]
    # message.new per stored message (none for the resend), plus one inbox announcement per
    # member of the dm for the batch (chat.announce), plus the batch's "new messages" notices
    assert len(callbacks) == 2 + 2 + 1
    dm.refresh_from_db()
    assert dm.last_seq == 2
    assert Membership.objects.get(conversation=dm, user=student).last_read_seq == 2


@pytest.mark.django_db
def test_a_client_id_of_another_author_in_the_same_batch_is_a_conflict(
    student: Any, professional: Any, unlimited_chat: None
) -> None:
    dm = empty_conversation(student, professional)
    mine, theirs = message_send_batch(
        [_request(student, dm, "a", "x"), _request(professional, dm, "b", "x")]
    )
    assert isinstance(mine, SendResult)
    assert isinstance(theirs, ChatError) and theirs.code == "conflict"
    assert _seqs(dm) == [1]


@pytest.mark.django_db
def test_a_batch_across_two_conversations_keeps_each_sequence(
    student: Any, professional: Any, make_user: Any, unlimited_chat: None
) -> None:
    other_student = make_user(role="student")
    one = empty_conversation(student, professional)
    two = empty_conversation(other_student, professional)
    message_send_batch([_request(student, one, "before", "b0")])
    outcomes = message_send_batch(
        [
            _request(student, one, "a1", "a1"),
            _request(other_student, two, "b1", "b1"),
            _request(professional, one, "a2", "a2"),
            _request(professional, two, "b2", "b2"),
        ]
    )
    assert [o.message.seq for o in outcomes if isinstance(o, SendResult)] == [2, 1, 3, 2]
    assert _seqs(one) == [1, 2, 3] and _seqs(two) == [1, 2]
    assert list(Conversation.objects.order_by("pk").values_list("last_seq", flat=True)) == [3, 2]
    marks = dict(
        Membership.objects.filter(conversation=one).values_list("user_id", "last_read_seq")
    )
    assert marks == {student.pk: 2, professional.pk: 3}


@pytest.mark.django_db
def test_refused_messages_do_not_fail_the_others(
    student: Any, professional: Any, settings: Any
) -> None:
    settings.CHAT_MESSAGES_PER_MINUTE = 2
    dm = empty_conversation(student, professional)
    outcomes = message_send_batch(
        [
            _request(student, dm, "   ", "empty"),
            _request(student, dm, "x" * 4001, "long"),
            _request(student, dm, "one", "s1"),
            _request(student, dm, "two", "s2"),
            _request(student, dm, "three", "s3"),  # past the limit of 2 per minute
            _request(professional, dm, "reply", "p1"),  # another user's own limit
        ]
    )
    codes = [o.code if isinstance(o, ChatError) else "ok" for o in outcomes]
    assert codes == ["bad_request", "too_large", "ok", "ok", "rate_limited", "ok"]
    assert list(Message.objects.order_by("seq").values_list("body", flat=True)) == [
        "one",
        "two",
        "reply",
    ]


@pytest.mark.django_db
def test_a_batch_takes_a_fixed_number_of_queries(
    student: Any, professional: Any, unlimited_chat: None
) -> None:
    """Twenty messages to one conversation cost what one costs: lock, lookup, insert, two
    updates and the dm's member list for the inbox announcement (not six per message)."""
    dm = empty_conversation(student, professional)
    requests = [_request(student, dm, f"m{n}", f"c{n}") for n in range(20)]
    with CaptureQueriesContext(connection) as queries:
        outcomes = message_send_batch(requests)
    assert all(isinstance(o, SendResult) and o.created for o in outcomes)
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len([sql for sql in writes if not sql.startswith(("BEGIN", "COMMIT"))]) == 6
    assert _seqs(dm) == list(range(1, 21))


@pytest.mark.django_db
def test_a_batch_over_many_conversations_takes_a_fixed_number_of_queries(
    make_user: Callable[..., Any], professional: Any, unlimited_chat: None
) -> None:
    """Twenty students each writing in their own conversation (the gateway's usual batch):
    access (one join), lock, lookup, insert, two updates and the inbox's member list, not ten
    per message."""
    students = [make_user(role="student") for _ in range(20)]
    dms = [empty_conversation(student, professional) for student in students]
    items = [
        actions.SendItem(student, Topic.parse(dm.topic), f"hello {n}", f"c{n}")
        for n, (student, dm) in enumerate(zip(students, dms, strict=True))
    ]
    with CaptureQueriesContext(connection) as queries:
        outcomes = actions.send_batch(items)
    assert [outcome["seq"] for outcome in outcomes if isinstance(outcome, dict)] == [1] * 20
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))
    ]
    assert len(statements) == 7, statements
    assert set(
        Membership.objects.filter(user__in=students).values_list("last_read_seq", flat=True)
    ) == {1}
    assert set(
        Conversation.objects.filter(pk__in=[d.pk for d in dms]).values_list("last_seq", flat=True)
    ) == {1}


@pytest.mark.django_db
def test_batched_access_answers_as_one_by_one_access(
    make_user: Callable[..., Any], student: Any, professional: Any
) -> None:
    dm = empty_conversation(student, professional)
    other = empty_conversation(make_user(role="student"), professional)
    inactive = make_user(role="student", is_active=False)
    Membership.objects.create(conversation=dm, user=inactive)
    room_chat = Conversation.objects.create(kind="room", topic="room:batched-access")
    Membership.objects.create(conversation=room_chat, user=student)
    pairs = [
        (student, Topic.parse(dm.topic)),
        (professional, Topic.parse(dm.topic)),
        (student, Topic.parse(other.topic)),  # not a member
        (student, Topic.parse("dm:999999999")),  # no such conversation
        (student, Topic.parse("dm:abc")),  # not an id
        (inactive, Topic.parse(dm.topic)),  # a member, but inactive
        (student, Topic.parse("nochat:1")),  # a kind without chat
        (student, Topic.parse(f"dm:{room_chat.pk}")),  # a member, but not of a direct chat
    ]

    def one_by_one(user: Any, topic: Topic) -> Any:
        try:
            return access_conversation(user=user, topic=topic).pk
        except ChatAccessError as exc:
            return exc.code

    batched = [
        answer.code if isinstance(answer, ChatAccessError) else answer.pk
        for answer in access_conversations(pairs)
    ]
    assert batched == [one_by_one(user, topic) for user, topic in pairs]
    assert batched == [
        dm.pk,
        dm.pk,
        "not_found",
        "not_found",
        "not_found",
        "forbidden",
        "not_found",
        "not_found",
    ]


@pytest.mark.django_db
def test_a_stored_message_reads_back_as_the_orm_writes_it(
    student: Any, professional: Any, unlimited_chat: None
) -> None:
    """The batch inserts in SQL (chat.batch_sql): its values, times included, are what the
    ORM reads and filters on, on PostgreSQL and SQLite alike; a resend in a later batch
    finds the row and answers with it."""
    dm = empty_conversation(student, professional)
    [first] = message_send_batch([_request(student, dm, "hello", "c1")])
    assert isinstance(first, SendResult) and first.created
    stored = Message.objects.get(pk=first.message.pk)
    assert (stored.conversation_id, stored.seq, stored.author_id) == (dm.pk, 1, student.pk)
    assert (stored.body, stored.client_id, stored.revision) == ("hello", "c1", 0)
    assert stored.created_at == first.message.created_at
    assert stored.edited_at is None and stored.deleted_at is None
    assert Message.objects.filter(pk=stored.pk, created_at=first.message.created_at).exists()
    dm.refresh_from_db()
    assert dm.last_message_at == stored.created_at
    [again] = message_send_batch([_request(student, dm, "hello (resent)", "c1")])
    assert isinstance(again, SendResult) and not again.created
    assert again.message.pk == stored.pk and again.message.body == "hello"
    assert again.message.author.display_name == student.display_name


@pytest.mark.django_db(transaction=True)
def test_a_request_that_breaks_the_transaction_fails_alone(
    student: Any, professional: Any, unlimited_chat: None
) -> None:
    dm = empty_conversation(student, professional)
    ghost = User(pk=10**9, username="ghost", role="student")  # no such row: a foreign key error
    outcomes = message_send_batch(
        [
            _request(student, dm, "kept", "k1"),
            _request(ghost, dm, "boom", "g1"),
            _request(professional, dm, "kept too", "k2"),
        ]
    )
    assert isinstance(outcomes[0], SendResult) and isinstance(outcomes[2], SendResult)
    assert isinstance(outcomes[1], Exception) and not isinstance(outcomes[1], ChatError)
    assert _seqs(dm) == [1, 2]  # still gapless: the failed attempt was rolled back


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unlimited_chat")
async def test_concurrent_frames_are_written_in_few_batches(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    """40 sends from 4 connections at once: every reply after its commit, seqs 1..40, every
    member receives all of them, and the writer needed fewer batches than messages."""
    dm = await sync_to_async(empty_conversation)(student, professional)
    clients = [await joined_user(open_ws, user) for user in [student, professional] * 2]
    for client in clients:
        assert (await client.request("join", dm.topic))["ok"]
    before = writer().batches

    async def send_ten(client: Any, n: int) -> list[dict[str, Any]]:
        refs = [f"s{n}-{k}" for k in range(10)]
        for ref in refs:
            await client.send(
                {
                    "type": "message.send",
                    "topic": dm.topic,
                    "ref": ref,
                    "data": {"body": ref, "client_id": uuid.uuid4().hex},
                }
            )
        return [await client.reply_to(ref) for ref in refs]

    replies = await asyncio.gather(*(send_ten(c, n) for n, c in enumerate(clients)))
    acked = sorted(r["data"]["seq"] for rs in replies for r in rs if r["ok"])
    assert acked == list(range(1, 41))
    stored = await sync_to_async(_seqs)(dm)
    assert stored == list(range(1, 41))
    assert writer().batches - before < 40
    for client in clients:
        # Pushes that came in while the client waited for its replies are in `received`.
        seen = {m["data"]["seq"] for m in client.received if m["type"] == "message.new"}
        while len(seen) < 40:
            message = await client.push(3)
            if message["type"] == "message.new":
                seen.add(message["data"]["seq"])
        assert seen == set(range(1, 41))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unlimited_chat")
async def test_a_bad_frame_in_a_batch_is_answered_alone(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    dm = await sync_to_async(empty_conversation)(student, professional)
    alice = await joined_user(open_ws, student)
    assert (await alice.request("join", dm.topic))["ok"]
    frames = [("good1", "hello"), ("bad", " \n "), ("good2", "again"), ("good1b", "dup")]
    for ref, body in frames:
        client_id = "same" if ref.startswith("good1") else ref
        await alice.send(
            {
                "type": "message.send",
                "topic": dm.topic,
                "ref": ref,
                "data": {"body": body, "client_id": client_id},
            }
        )
    replies = {ref: await alice.reply_to(ref) for ref, _ in frames}
    assert replies["good1"]["ok"] and replies["good2"]["ok"]
    assert replies["bad"]["ok"] is False and replies["bad"]["error"]["code"] == "bad_request"
    assert replies["good1b"]["data"]["id"] == replies["good1"]["data"]["id"]
    assert replies["good1b"]["data"]["body"] == "hello"
    assert await sync_to_async(_seqs)(dm) == [1, 2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unlimited_chat", "thread_connections_closed")
async def test_the_writer_lingers_only_while_others_are_sending(
    student: Any, professional: Any
) -> None:
    """At a quiet moment a message is written at once, whatever the linger; right after a
    batch, the writer waits for company, so two sends 20 ms apart share one transaction."""
    dm = await sync_to_async(empty_conversation)(student, professional)
    topic = Topic.parse(dm.topic)
    quiet = MessageWriter(linger=30.0, max_batch=100)
    first = await asyncio.wait_for(
        quiet.send(user=student, topic=topic, body="hi", client_id="q1"), timeout=10
    )
    assert first["seq"] == 1 and quiet.batches == 1

    busy = MessageWriter(linger=0.5, max_batch=100)
    await busy.send(user=student, topic=topic, body="one", client_id="b1")
    assert busy.batches == 1
    second = asyncio.ensure_future(
        busy.send(user=professional, topic=topic, body="two", client_id="b2")
    )
    await asyncio.sleep(0.02)
    third = await busy.send(user=student, topic=topic, body="three", client_id="b3")
    assert [(await second)["seq"], third["seq"]] == [3, 4]
    assert busy.batches == 2  # "two" and "three" together


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unlimited_chat")
async def test_one_clients_queued_sends_share_batches_and_a_read_after_them_waits(
    open_ws: OpenWs, student: Any, professional: Any
) -> None:
    """A client flushing its queue after a reconnect sends back to back: the gateway reads on
    while the first commit runs (message.send is pipelined), so the sends share batches; the
    replies keep frame order, and a `read` sent after them is answered after their commits."""
    dm = await sync_to_async(empty_conversation)(student, professional)
    alice = await joined_user(open_ws, student)
    assert (await alice.request("join", dm.topic))["ok"]
    before = writer().batches
    refs = [f"q{k}" for k in range(20)]
    for ref in refs:
        data = {"body": ref, "client_id": uuid.uuid4().hex}
        await alice.send({"type": "message.send", "topic": dm.topic, "ref": ref, "data": data})
    await alice.send({"type": "read", "topic": dm.topic, "ref": "read", "data": {"seq": 20}})
    replies: list[dict[str, Any]] = []
    while len(replies) < 21:
        message = await alice.recv()
        if message["type"] == "reply":
            replies.append(message)
    assert [r["ref"] for r in replies] == [*refs, "read"]
    assert [r["data"]["seq"] for r in replies[:20]] == list(range(1, 21))
    assert [r["data"]["body"] for r in replies[:20]] == refs
    assert replies[20]["data"] == {"last_read_seq": 20}
    assert await sync_to_async(_seqs)(dm) == list(range(1, 21))
    assert writer().batches - before < 20  # one commit each without pipelining
