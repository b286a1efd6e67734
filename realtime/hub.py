"""The process's fan-out hub: one channel-layer subscription per topic per process.

Channels' default gives every connection its own layer channel and a task waiting on it, so
a push to a 500-member topic wakes 500 tasks, each through a queue and `asyncio.wait`. The
hub instead holds one channel per process (per event loop): it joins each topic's group once,
for as long as a local connection is in the topic, receives every push once, and hands it
to the local connections directly.

A connection's address (`ctx.channel_name`) is `<hub channel>#<connection id>`; direct
messages to it (a signal to one peer, an eviction) go to the hub's channel with the
connection id, or straight to the connection when it lives in this process.
"""

import asyncio
import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.layers import get_channel_layer

from core import metrics
from realtime.eager import run_eagerly
from realtime.pipeline import GroupMessage, group_send_many

logger = logging.getLogger(__name__)

# Channel-layer message types: a push to relay, an order to leave a topic, an order to close
# (realtime.sessions). Group messages carry their `group`, pushes and evictions their `topic`;
# direct ones the connection id under `to`.
PUSH_MESSAGE = "gateway.push"
# A push's per-user texts (`realtime.broadcast.push_each_on_commit`): user id (str) -> text.
TEXTS_KEY = "texts"
EVICT_MESSAGE = "gateway.evict"
CLOSE_MESSAGE = "gateway.close"
ADDRESS_SEPARATOR = "#"
# The hub channel that published a group message: that hub delivered it locally already.
ORIGIN_KEY = "origin"
# The connection id a direct message is for, in the channel-layer message.
TO_KEY = "to"

GroupWatcher = Callable[[dict[str, Any]], None]
# Per topic kind, callbacks that see every group message of that kind this process receives,
# before its members do: a per-process copy of a topic's state can be kept current by the
# topic's own pushes (rooms.relay). Registered at import, for every hub.
_watchers: dict[str, list[GroupWatcher]] = {}


def watch_topic_kind(kind: str, watcher: GroupWatcher) -> None:
    """Call `watcher(message)` with each group message (push or eviction) of topics of `kind`
    that reaches this process. It runs on the event loop and must not block or raise."""
    _watchers.setdefault(kind, []).append(watcher)


class Recipient(Protocol):
    """What the hub needs of a connection (realtime.connection.Connection)."""

    @property
    def hub_id(self) -> str: ...

    def deliver(self, message: dict[str, Any]) -> None: ...


@dataclass(eq=False)
class _Group:
    members: set[Recipient] = field(default_factory=set)
    subscribed: bool = False
    # Held while the hub joins or leaves the group on the layer, so a join always waits for
    # the subscription it relies on and never overlaps the leave of the last member.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Hub:
    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self._channel: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()
        self._connections: dict[str, Recipient] = {}
        self._groups: dict[str, _Group] = {}
        self._background: set[asyncio.Task[None]] = set()

    # --- connections --------------------------------------------------------------------------

    async def attach(self, connection: Recipient) -> str:
        """Register a connection; returns its address."""
        if self._channel is None:
            async with self._start_lock:
                if self._channel is None:
                    channel = await self.layer.new_channel()
                    self._reader = asyncio.create_task(self._read(channel))
                    self._channel = channel
        if connection.hub_id not in self._connections:
            metrics.CONNECTIONS_OPEN.inc()
        self._connections[connection.hub_id] = connection
        return f"{self._channel}{ADDRESS_SEPARATOR}{connection.hub_id}"

    def detach(self, connection: Recipient) -> None:
        """Forget a connection (after it left its topics). The last one stops the reader, so
        an idle process (or a test's event loop) holds no subscription and no task."""
        if self._connections.pop(connection.hub_id, None) is not None:
            metrics.CONNECTIONS_OPEN.dec()
        if not self._connections and self._reader is not None:
            self._reader.cancel()  # the layer drops the channel when its receive is cancelled
            self._reader = None
            self._channel = None

    def forget(self, connection: Recipient) -> None:
        """Drop a connection that never shut down (its task was cancelled): out of every group
        at once; groups it leaves empty are left on the layer in the background."""
        for group, entry in list(self._groups.items()):
            if connection in entry.members:
                left = run_eagerly(self.unsubscribe(group, connection))
                if left is not None:
                    self._background.add(left)
                    left.add_done_callback(self._background.discard)
        self.detach(connection)

    # --- topics -------------------------------------------------------------------------------

    async def subscribe(self, group: str, connection: Recipient) -> None:
        """Add a connection to a group; returns once the process receives the group's pushes."""
        while True:
            entry = self._groups.setdefault(group, _Group())
            async with entry.lock:
                if self._groups.get(group) is not entry:
                    continue  # the group was left while we waited: start again
                entry.members.add(connection)
                if not entry.subscribed:
                    try:
                        await self.layer.group_add(group, self._channel)
                    except BaseException:
                        entry.members.discard(connection)
                        if not entry.members:
                            del self._groups[group]
                        raise
                    entry.subscribed = True
                return

    async def unsubscribe(self, group: str, connection: Recipient) -> None:
        entry = self._groups.get(group)
        if entry is None:
            return
        entry.members.discard(connection)
        if entry.members:
            return
        async with entry.lock:
            if entry.members or self._groups.get(group) is not entry:
                return
            try:
                if entry.subscribed and self._channel is not None:
                    await self.layer.group_discard(group, self._channel)
            finally:
                entry.subscribed = False
                if not entry.members:
                    del self._groups[group]

    # --- delivery -----------------------------------------------------------------------------

    async def _read(self, channel: str) -> None:
        while True:
            message = await self.layer.receive(channel)
            if message.get(ORIGIN_KEY) == channel:
                continue  # our own publish, delivered here when it was sent
            try:
                self.dispatch(message)
            except Exception:
                logger.exception("hub: dispatching %s failed", message.get("type"))

    def dispatch(self, message: dict[str, Any]) -> None:
        """Hand a layer message to its local connections: the one named by `to`, or every
        member of the message's topic group."""
        target = message.get(TO_KEY)
        if target is not None:
            connection = self._connections.get(target)
            if connection is not None:
                connection.deliver(message)
            return
        topic = message.get("topic")  # a close order (to a user's group) has none
        watchers = _watchers.get(topic.partition(":")[0], ()) if topic else ()
        for watcher in watchers:
            try:
                watcher(message)
            except Exception:
                logger.exception("hub: a watcher of %s failed", topic)
        entry = self._groups.get(message["group"])
        if entry is None:
            return
        for connection in tuple(entry.members):  # delivering may make one leave the topic
            connection.deliver(message)

    async def publish_many(self, messages: Sequence[GroupMessage]) -> None:
        """Send group messages, in order: to this process's members at once, then through the
        layer to the other processes, together (this hub skips its own copies when they come
        back). A local delivery that fails is logged and keeps nobody else from theirs."""
        if self._channel is not None:
            for _group, message in messages:
                try:
                    self.dispatch(message)
                except Exception:
                    logger.exception("hub: dispatching %s failed", message.get("type"))
            origin = self._channel
            messages = [(group, {**message, ORIGIN_KEY: origin}) for group, message in messages]
        await group_send_many(self.layer, messages)

    async def send_direct(self, address: str, message: dict[str, Any]) -> None:
        """Send a message to one connection by its address."""
        channel, connection_id = _split_address(address)
        if channel == self._channel:
            connection = self._connections.get(connection_id)
            if connection is not None:
                connection.deliver({**message, TO_KEY: connection_id})
            return
        await self.layer.send(channel, {**message, TO_KEY: connection_id})


def _split_address(address: str) -> tuple[str, str]:
    """A connection address's hub channel and connection id."""
    channel, _, connection_id = address.rpartition(ADDRESS_SEPARATOR)
    if not channel:
        raise ValueError(f"{address!r} is not a connection address")
    return channel, connection_id


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def local_hub(*, create: bool = True) -> Hub | None:
    """The hub of the running event loop and the current channel layer (made on first use
    when `create`). None when there is no channel layer, or none yet and not `create`."""
    layer = get_channel_layer()
    if layer is None:
        return None
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:  # tests swap the layer between cases
        if not create:
            return None
        hub = _hubs[loop] = Hub(layer)
    return hub


async def send_to_address(address: str, message: dict[str, Any]) -> None:
    """Send a message to one connection by address, from any process or thread's loop."""
    if message["type"] == PUSH_MESSAGE:
        metrics.count_push(message["topic"])
    hub = local_hub(create=False)
    if hub is not None:
        await hub.send_direct(address, message)
        return
    channel, connection_id = _split_address(address)
    layer = get_channel_layer()
    if layer is not None:
        await layer.send(channel, {**message, TO_KEY: connection_id})


async def publish(group: str, message: dict[str, Any]) -> None:
    """Send a group message from any event loop (see `publish_many`)."""
    await publish_many([(group, message)])


async def publish_many(messages: Sequence[GroupMessage]) -> None:
    """Send group messages from any event loop, in order: through this loop's hub when it has
    one (its local members get them without a round trip through Redis), else through the
    layer; many at once in one trip through the layer."""
    for _group, message in messages:
        if message["type"] == PUSH_MESSAGE:
            metrics.count_push(message["topic"])
    hub = local_hub(create=False)
    if hub is not None:
        await hub.publish_many(messages)
        return
    layer = get_channel_layer()
    if layer is not None:
        await group_send_many(layer, messages)
