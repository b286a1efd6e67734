"""Many group messages at once: `group_send_many` on the real layers, and the outbox that
hands a transaction's pushes from a database thread to the event loop."""

import asyncio
import os
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import transaction

from realtime import hub, outbox, pipeline
from realtime.broadcast import push_on_commit
from realtime.db import database_sync_to_async
from tests.realtime.conftest import OpenWs, joined_user

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis (REDIS_URL) for channels-redis's pub/sub layer"
)


async def receive_all(layer: Any, channel: str, count: int) -> list[dict[str, Any]]:
    return [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(count)]


@needs_redis
async def test_the_pubsub_layer_sends_a_batch_in_order_to_another_process_s_layer() -> None:
    # Two layer instances stand for two server processes sharing Redis.
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    config = {"hosts": [REDIS_URL], "prefix": prefix}
    sender, receiver = RedisPubSubChannelLayer(**config), RedisPubSubChannelLayer(**config)
    try:
        channel = await receiver.new_channel()
        await receiver.group_add("alpha", channel)
        await receiver.group_add("beta", channel)
        messages = [
            ("alpha" if n % 3 else "beta", {"type": "test.push", "n": n}) for n in range(30)
        ]
        messages.append(("nobody", {"type": "test.push", "n": -1}))  # no subscriber: no error

        await pipeline.group_send_many(sender, messages)

        received = await receive_all(receiver, channel, 30)
        assert [message["n"] for message in received] == list(range(30))
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(receiver.receive(channel), 0.3)
    finally:
        await sender.flush()
        await receiver.flush()


@needs_redis
async def test_a_pubsub_batch_is_one_round_trip_per_redis_host(monkeypatch) -> None:
    layer = RedisPubSubChannelLayer(hosts=[REDIS_URL], prefix=f"test-{uuid.uuid4().hex[:8]}")
    executed: list[int] = []
    original = pipeline._pubsub_send_many

    async def counting(layer: Any, messages: Any) -> None:
        executed.append(len(messages))
        await original(layer, messages)

    monkeypatch.setattr(pipeline, "_pubsub_send_many", counting)
    try:
        channel = await layer.new_channel()
        await layer.group_add("g", channel)
        await pipeline.group_send_many(layer, [("g", {"type": "t", "n": n}) for n in range(5)])
        assert [message["n"] for message in await receive_all(layer, channel, 5)] == [0, 1, 2, 3, 4]
        assert executed == [5]
    finally:
        await layer.flush()


async def test_other_layers_get_one_group_send_per_message_in_order() -> None:
    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("g", channel)
    await pipeline.group_send_many(layer, [("g", {"type": "t", "n": n}) for n in range(5)])
    assert [message["n"] for message in await receive_all(layer, channel, 5)] == [0, 1, 2, 3, 4]


# --- the outbox: pushes committed by a database thread of the server ---------------------------


def commit_pushes(topic: str, first: int, count: int) -> None:
    with transaction.atomic():
        for n in range(first, first + count):
            push_on_commit(topic, "count.test", {"n": n})


@pytest.mark.django_db(transaction=True)
async def test_a_transaction_s_pushes_arrive_once_each_and_in_order(
    open_ws: OpenWs, student
) -> None:
    client = await joined_user(open_ws, student)
    topic = f"user:{student.pk}"
    # Two transactions back to back: the second one's pushes are handed over while the first
    # one's may still be publishing; they must follow them, not overtake them.
    await sync_to_async(commit_pushes)(topic, 0, 40)
    await sync_to_async(commit_pushes)(topic, 40, 40)
    received = [(await client.push())["data"]["n"] for _ in range(80)]
    assert received == list(range(80))
    assert await client.silent(0.3)


@pytest.fixture
def publishes(monkeypatch) -> list[int]:
    """The size of each `publish_many` the outbox makes."""
    sizes: list[int] = []
    original = hub.publish_many

    async def counting(messages: Any) -> None:
        sizes.append(len(messages))
        await original(messages)

    monkeypatch.setattr(outbox, "publish_many", counting)
    return sizes


@pytest.mark.django_db(transaction=True)
async def test_a_gateway_database_call_hands_its_pushes_over_at_once(
    open_ws: OpenWs, student, publishes: list[int]
) -> None:
    client = await joined_user(open_ws, student)
    topic = f"user:{student.pk}"

    def two_transactions() -> None:
        commit_pushes(topic, 0, 10)
        commit_pushes(topic, 10, 15)

    await database_sync_to_async(two_transactions)()
    assert [(await client.push())["data"]["n"] for _ in range(25)] == list(range(25))
    assert publishes == [25]  # one wake-up of the loop, one trip through the layer


@pytest.mark.django_db(transaction=True)
async def test_pushes_committed_before_a_call_fails_still_go_out(
    open_ws: OpenWs, student, publishes: list[int]
) -> None:
    client = await joined_user(open_ws, student)
    topic = f"user:{student.pk}"

    def commit_then_fail() -> None:
        commit_pushes(topic, 0, 3)
        with transaction.atomic():
            push_on_commit(topic, "count.test", {"n": 99})
            raise RuntimeError("after the first commit")

    with pytest.raises(RuntimeError):
        await database_sync_to_async(commit_then_fail)()
    assert [(await client.push())["data"]["n"] for _ in range(3)] == [0, 1, 2]
    assert await client.silent(0.3)  # the rolled-back push is not sent
    assert publishes == [3]


def test_the_channels_redis_internals_the_pipeline_reads_are_there() -> None:
    """`pipeline._pubsub_send_many` reads channels-redis's private parts (no patch): without
    Redis, at least check they still exist, so an upgrade that moves them fails here."""
    import inspect

    from channels_redis import pubsub

    assert callable(pubsub.RedisPubSubChannelLayer._get_layer)
    assert callable(pubsub.RedisPubSubLoopLayer._get_group_channel_name)
    assert callable(pubsub.RedisPubSubLoopLayer._get_shard)
    assert callable(pubsub.RedisSingleShardConnection._ensure_redis)
    shard_init = inspect.getsource(pubsub.RedisSingleShardConnection.__init__)
    assert "self._lock" in shard_init and "self._redis" in shard_init
