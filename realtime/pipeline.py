"""Sending many group messages through the channel layer at once.

A chat batch commits tens of pushes together (each message, each member's inbox). Sent one
`group_send` at a time, every push is its own Redis round trip, and channels-redis's pub/sub
layer holds a lock per Redis host for each one, so they queue one behind the other. For that
layer, `group_send_many` sends them in one pipeline per host: one round trip, in order. Any
other layer (in-memory, channels-redis's core layer) gets one `group_send` per message, in
order.
"""

from collections.abc import Sequence
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer

GroupMessage = tuple[str, dict[str, Any]]  # (group, message)


async def group_send_many(layer: Any, messages: Sequence[GroupMessage]) -> None:
    """Send each (group, message) to its group, in order; raises the layer's error."""
    if isinstance(layer, RedisPubSubChannelLayer) and len(messages) > 1:
        await _pubsub_send_many(layer, messages)
        return
    for group, message in messages:
        await layer.group_send(group, message)


async def _pubsub_send_many(
    layer: RedisPubSubChannelLayer, messages: Sequence[GroupMessage]
) -> None:
    # channels-redis 4.x internals (locked in uv.lock; tests/realtime/test_pipeline.py fails
    # if they move): the event loop's layer, its group channel names and its shards, each with
    # one Redis client and a lock that keeps publishes in order.
    loop_layer = layer._get_layer()
    by_shard: dict[Any, list[tuple[str, bytes]]] = {}
    for group, message in messages:
        channel = loop_layer._get_group_channel_name(group)
        shard = loop_layer._get_shard(channel)
        by_shard.setdefault(shard, []).append((channel, layer.serialize(message)))
    for shard, publishes in by_shard.items():
        async with shard._lock:
            shard._ensure_redis()
            pipe = shard._redis.pipeline(transaction=False)
            for channel, data in publishes:
                pipe.publish(channel, data)
            await pipe.execute()
