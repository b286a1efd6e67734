"""Pushes to single connections after commit: the lobby, `admitted`, `mute.request` and
evictions reach chosen channels, not the whole topic (a waiting connection is not in the
topic's group, so group pushes never reach it)."""

from collections.abc import Callable, Sequence

from asgiref.sync import async_to_sync
from django.db import transaction

from realtime.broadcast import evict_channel, push_to_channel
from realtime.schemas import Payload


def _after_commit(function: Callable[[], None]) -> None:
    transaction.on_commit(function, robust=True)


def push_to_channels_on_commit(
    channels: Sequence[str], topic: str, event_type: str, data: Payload | None = None
) -> None:
    """After commit, send the push to each channel (relayed while it has joined `topic`)."""
    targets = list(channels)
    if not targets:
        return

    def send_after_commit() -> None:
        for channel in targets:
            async_to_sync(push_to_channel)(channel, topic, event_type, data)

    _after_commit(send_after_commit)


def evict_channels_on_commit(
    channels: Sequence[str], topic: str, *, user_id: int | None, reason: str
) -> None:
    """After commit, make each channel leave `topic` (it gets `left` `{"reason"}`)."""
    targets = list(channels)
    if not targets:
        return

    def evict_after_commit() -> None:
        for channel in targets:
            async_to_sync(evict_channel)(channel, topic, user_id=user_id, reason=reason)

    _after_commit(evict_after_commit)
