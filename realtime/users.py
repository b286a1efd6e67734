"""The `user:<id>` topic: each user's private feed (notifications, requests, updates).

Every connection joins its own user topic on connect (the client gets a `joined` push);
nobody may join another user's. It belongs to the gateway, not to an app: every app notifies
a user through `user_notify`, which lives here so that it sits below them all.
"""

from collections.abc import Iterable

from realtime.broadcast import push_on_commit
from realtime.context import Context
from realtime.errors import GatewayError
from realtime.registry import TopicHandler, topic_handler
from realtime.schemas import FrameData, Payload
from realtime.topics import Topic


class UserJoin(FrameData):
    # Accepted so a client can rejoin every topic the same way; the user topic keeps no
    # history, so there is nothing to resume.
    last_seq: int | None = None


def user_topic(user_id: int) -> str:
    """The wire name of a user's topic, for services that push to it."""
    return f"user:{user_id}"


def user_notify(user_id: int, event_type: str, data: Payload | None = None) -> None:
    """Push `event_type` to every tab of the user once the current transaction commits (at once
    outside one). The one way services tell a user something live."""
    push_on_commit(user_topic(user_id), event_type, data)


@topic_handler
class UserTopicHandler(TopicHandler):
    kind = "user"
    join_schema = UserJoin

    async def auto_join(self, ctx: Context) -> Iterable[Topic]:
        return [Topic.parse(user_topic(ctx.user.pk))]

    async def join(self, ctx: Context, topic: Topic, data: UserJoin) -> Payload | None:
        # The same answer for a stranger's id and a missing one: ids are not probed this way.
        if topic.id != str(ctx.user.pk):
            raise GatewayError("forbidden", "You may only join your own user topic.")
        return {}
