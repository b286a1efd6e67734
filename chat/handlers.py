"""The chat topic handler for the gateway: `dm:` topics, and the base of every chat topic.

Each frame is validated by the gateway, then one call to `chat.actions` (access + one
service, in one thread hop) answers it. A new kind (`room:`) subclasses `ChatTopicHandler`
and registers an access function in `chat.access`; the frames come with it.
"""

from typing import Any

from chat import actions
from chat.payloads import author_payload
from chat.presence import presence_connected, presence_disconnected
from chat.schemas import ChatJoin, MessageDelete, MessageEdit, MessageSend, Read, Typing
from chat.writer import writer
from realtime.broadcast import push
from realtime.context import Context
from realtime.db import database_sync_to_async
from realtime.errors import GatewayError
from realtime.registry import JoinResult, TopicHandler, frame, topic_handler
from realtime.schemas import Payload
from realtime.topics import Topic


class ChatTopicHandler(TopicHandler):
    """Chat frames for any topic kind whose conversation `chat.access` can load."""

    join_schema = ChatJoin

    async def join(self, ctx: Context, topic: Topic, data: ChatJoin) -> JoinResult:
        result, seq = await database_sync_to_async(actions.join)(
            user=ctx.user, topic=topic, last_seq=data.last_seq, last_revision=data.last_revision
        )
        ctx.topic_state(topic)["read_only"] = result["read_only"]
        return JoinResult(data=result, seq=seq)

    @frame("message.send", MessageSend, pipelined=True)
    async def message_send(self, ctx: Context, topic: Topic, data: MessageSend) -> Payload:
        # Grouped with the other sends of this process: one transaction per batch. The writer
        # queues the send before it first waits, as a pipelined frame must.
        return await writer().send(
            user=ctx.user, topic=topic, body=data.body, client_id=data.client_id
        )

    @frame("message.edit", MessageEdit)
    async def message_edit(self, ctx: Context, topic: Topic, data: MessageEdit) -> Payload:
        result: Payload = await database_sync_to_async(actions.edit)(
            user=ctx.user, topic=topic, message_id=data.id, body=data.body
        )
        return result

    @frame("message.delete", MessageDelete)
    async def message_delete(self, ctx: Context, topic: Topic, data: MessageDelete) -> Payload:
        result: Payload = await database_sync_to_async(actions.delete)(
            user=ctx.user, topic=topic, message_id=data.id
        )
        return result

    @frame("read", Read)
    async def read(self, ctx: Context, topic: Topic, data: Read) -> Payload:
        result: Payload = await database_sync_to_async(actions.read)(
            user=ctx.user, topic=topic, seq=data.seq
        )
        return result

    @frame("typing", Typing)
    async def typing(self, ctx: Context, topic: Topic, data: Typing) -> Payload:
        # No database: membership was checked at join, and typing is not worth a query.
        if ctx.topic_state(topic).get("read_only"):
            raise GatewayError("forbidden", "You are reading this conversation, not in it.")
        payload: dict[str, Any] = {"user": author_payload(ctx.user), "typing": data.typing}
        await push(str(topic), "typing", payload)
        return {}


@topic_handler
class DmTopicHandler(ChatTopicHandler):
    kind = "dm"

    # Presence is counted here, once per connection, not in ChatTopicHandler: a room handler
    # subclassing it must not count connections a second time.
    async def connected(self, ctx: Context) -> None:
        await presence_connected(ctx)

    async def disconnected(self, ctx: Context) -> None:
        await presence_disconnected(ctx)
