"""The `room:<id>` topic: room chat (from ChatTopicHandler), presence, signalling, hands,
questions and host controls (docs/rooms.md).

The signalling relay touches no database: the sender's own state says it joined, the peer
store says where the target is and whether the sender may publish (through this process's
copy, rooms.relay), and one channel-layer message carries the signal to the target's
connection (none when it is in this process).
"""

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from chat.access import ChatAccessError, conversation_not_found, register_chat_access
from chat.handlers import ChatTopicHandler
from chat.schemas import ChatJoin, Typing
from realtime.broadcast import push, push_to_channel
from realtime.context import Context
from realtime.db import database_sync_to_async
from realtime.errors import GatewayError
from realtime.ratelimit import FrameRateLimiter, Verdict
from realtime.registry import JoinResult, LeaveReason, frame, topic_handler
from realtime.schemas import EmptyData, Payload
from realtime.topics import Topic
from rooms import actions, services
from rooms.access import access_room
from rooms.errors import RoomError
from rooms.media import media_policy
from rooms.models import RoomParticipant
from rooms.peercache import (
    MediaUpdate,
    peer_cache_set_media_async,
    peer_cache_touch_async,
    peer_refresh_seconds,
)
from rooms.relay import relay_forget_room, relay_peers
from rooms.schemas import (
    Hand,
    MediaState,
    MuteRequest,
    QuestionAsk,
    QuestionRef,
    Signal,
    StageSet,
    UserRef,
)
from rooms.services import room_conversation

if TYPE_CHECKING:
    from chat.models import Conversation  # a type only: chat's own services make and read it


@register_chat_access("room")
def _room_chat(user: User, topic: Topic) -> "Conversation":
    """Room chat is for people let into the room and not removed from it. Anyone else is not
    a member, and hears what a missing conversation answers: a room's conversation id tells
    nothing of the room (invite-only or not) to an outsider."""
    try:
        room = access_room(user=user, room_id=topic.id)
    except RoomError as exc:
        if exc.code == "not_found":
            raise conversation_not_found() from None
        raise ChatAccessError(exc.code, exc.message) from None
    let_in = room.host_id == user.pk or (
        RoomParticipant.objects.filter(
            room=room, user=user, admitted=True, removed_at__isnull=True
        ).exists()
    )
    if not let_in:
        raise conversation_not_found()
    return room_conversation(room)


_db = database_sync_to_async
logger = logging.getLogger(__name__)


def _signal_limiter() -> FrameRateLimiter:
    return FrameRateLimiter(
        rate=float(settings.ROOMS_SIGNAL_RATE_PER_SECOND),
        burst=int(settings.ROOMS_SIGNAL_BURST),
        max_strikes=1_000_000,  # refuse signals past the rate; closing is the gateway's call
    )


# `media` follows a person's clicks on two buttons: a few a second is plenty, and each one is
# pushed to the whole room.
MEDIA_RATE_PER_SECOND = 2.0
MEDIA_BURST = 10


def _media_limiter() -> FrameRateLimiter:
    return FrameRateLimiter(rate=MEDIA_RATE_PER_SECOND, burst=MEDIA_BURST, max_strikes=1_000_000)


async def _renew(room_id: int, peer_id: str) -> None:
    """Keep this connection's peer-cache entry alive while it is in the room, and write it
    again when the store lost it (a Redis restart): the room keeps working without it."""
    while True:
        await asyncio.sleep(peer_refresh_seconds())
        try:
            if await peer_cache_touch_async(room_id=room_id, peer_id=peer_id):
                continue
            if not await _db(services.peer_restore)(room_id=room_id, peer_id=peer_id):
                return  # left or removed meanwhile
        except Exception:
            # Redis or the database is down for now: the next round tries again.
            logger.warning("room %s: renewing peer %s failed", room_id, peer_id, exc_info=True)


async def _restored(room_id: int, peer_id: str) -> bool:
    """This live connection found its own entry missing: write it again now rather than at
    the next renewal. False when its row is gone too (it was removed)."""
    try:
        restored: bool = await _db(services.peer_restore)(room_id=room_id, peer_id=peer_id)
    except Exception:
        # The database is down: the frame is refused as without an entry, not as `internal`.
        logger.warning("room %s: restoring peer %s failed", room_id, peer_id, exc_info=True)
        return False
    return restored


@topic_handler
class RoomTopicHandler(ChatTopicHandler):
    kind = "room"
    join_schema = ChatJoin  # the chat's resume (`last_seq`) is all a room join takes

    async def join(self, ctx: Context, topic: Topic, data: ChatJoin) -> JoinResult:
        state = ctx.topic_state(topic)
        reply, seq, admitted, media_mode = await _db(actions.join)(
            user=ctx.user,
            topic=topic,
            peer_id=ctx.connection_id,
            channel_name=ctx.channel_name,
            last_seq=data.last_seq,
            last_revision=data.last_revision,
        )
        # A waiting connection hears nothing of the room: only `admitted` and evictions, which
        # are sent to its channel directly.
        await ctx.set_listening(topic, admitted)
        # This process may have missed the room's pushes while none of its connections was in
        # it: the relay reads the peer store afresh.
        relay_forget_room(int(topic.id))
        state.update(
            peer_id=ctx.connection_id,
            admitted=admitted,
            media_mode=media_mode,
            read_only=reply.get("read_only", False),
        )
        state.setdefault("limiter", _signal_limiter())
        state.setdefault("media_limiter", _media_limiter())
        renewal = state.get("renewal")
        if renewal is None or renewal.done():
            state["renewal"] = asyncio.create_task(_renew(int(topic.id), ctx.connection_id))
        return JoinResult(data=reply, seq=seq)

    async def leave(self, ctx: Context, topic: Topic, reason: LeaveReason) -> None:
        state = ctx.topic_state(topic)
        renewal = state.get("renewal")
        if renewal is not None:
            renewal.cancel()
        peer_id = state.get("peer_id")
        if peer_id is not None:
            await _db(services.peer_leave)(room_id=int(topic.id), peer_id=peer_id)

    def _admitted(self, ctx: Context, topic: Topic) -> dict[str, Any]:
        state = ctx.topic_state(topic)
        if not state.get("admitted"):
            raise GatewayError("forbidden", _("Wait until the host lets you in."))
        return state

    @frame("typing", Typing)
    async def typing(self, ctx: Context, topic: Topic, data: Typing) -> Payload:
        # The chat's typing skips the database; a waiting connection must not reach the room.
        self._admitted(ctx, topic)
        return await super().typing(ctx, topic, data)

    @frame("signal", Signal)
    async def signal(self, ctx: Context, topic: Topic, data: Signal) -> Payload:
        state = self._admitted(ctx, topic)
        if state["limiter"].admit() is not Verdict.ADMIT:
            raise GatewayError("rate_limited", _("Too many signals; slow down."))
        peer_id: str = state["peer_id"]
        room_id = int(topic.id)
        found = await relay_peers(room_id=room_id, peer_ids=[peer_id, data.to])
        sender = found.get(peer_id)
        if sender is None and await _restored(room_id, peer_id):
            found = await relay_peers(room_id=room_id, peer_ids=[peer_id, data.to])
            sender = found.get(peer_id)
        if sender is None or sender.waiting:
            raise GatewayError("forbidden", _("You are no longer in this room."))
        target = found.get(data.to)
        if target is None or target.waiting or data.to == peer_id:
            raise GatewayError("not_found", _("This peer is not in the room."))
        policy = media_policy(state["media_mode"])
        if data.sdp is not None and not policy.sdp_allowed(sdp=data.sdp, publishes=sender.publish):
            raise GatewayError("forbidden", _("Only the host and people on stage may send media."))
        forwarded = {"from": peer_id, **data.model_dump(exclude={"to"}, exclude_unset=True)}
        await push_to_channel(target.channel_name, str(topic), "signal", forwarded)
        return {}

    @frame("media", MediaState)
    async def media(self, ctx: Context, topic: Topic, data: MediaState) -> Payload:
        """A publishing peer says whether its camera and microphone are on: kept in the peer
        store (no database, like `signal`) and pushed to the room as `participant.media`."""
        state = self._admitted(ctx, topic)
        if state["media_limiter"].admit() is not Verdict.ADMIT:
            raise GatewayError("rate_limited", _("Too many changes; slow down."))
        peer_id: str = state["peer_id"]
        room_id = int(topic.id)
        sends = {"camera": data.camera, "microphone": data.microphone}
        outcome = await peer_cache_set_media_async(room_id=room_id, peer_id=peer_id, **sends)
        if outcome is MediaUpdate.GONE and await _restored(room_id, peer_id):
            outcome = await peer_cache_set_media_async(room_id=room_id, peer_id=peer_id, **sends)
        if outcome is MediaUpdate.GONE:
            raise GatewayError("forbidden", _("You are no longer in this room."))
        if outcome is MediaUpdate.NOT_PUBLISHING:
            raise GatewayError(
                "forbidden", _("Only the host and people on stage share a camera and microphone.")
            )
        media = {"peer_id": peer_id, "camera": data.camera, "microphone": data.microphone}
        await push(str(topic), "participant.media", media)
        return {}

    @frame("hand", Hand)
    async def hand(self, ctx: Context, topic: Topic, data: Hand) -> Payload:
        self._admitted(ctx, topic)
        hands = await _db(services.hand_set)(user=ctx.user, room_id=topic.id, raised=data.raised)
        return {"hands": hands}

    @frame("question.ask", QuestionAsk)
    async def question_ask(self, ctx: Context, topic: Topic, data: QuestionAsk) -> Payload:
        self._admitted(ctx, topic)
        question: Payload = await _db(services.question_ask)(
            user=ctx.user, room_id=topic.id, body=data.body
        )
        return question

    @frame("question.vote", QuestionRef)
    async def question_vote(self, ctx: Context, topic: Topic, data: QuestionRef) -> Payload:
        self._admitted(ctx, topic)
        question: Payload = await _db(services.question_vote)(
            user=ctx.user, room_id=topic.id, question_id=data.id
        )
        return question

    @frame("question.answer", QuestionRef)
    async def question_answer(self, ctx: Context, topic: Topic, data: QuestionRef) -> Payload:
        self._admitted(ctx, topic)
        question: Payload = await _db(services.question_answer)(
            host=ctx.user, room_id=topic.id, question_id=data.id
        )
        return question

    @frame("stage.set", StageSet)
    async def stage_set(self, ctx: Context, topic: Topic, data: StageSet) -> Payload:
        self._admitted(ctx, topic)
        await _db(services.stage_set)(
            host=ctx.user,
            room_id=topic.id,
            user_id=data.user_id,
            on_stage=data.on_stage,
        )
        return {}

    @frame("mute.request", MuteRequest)
    async def mute_request(self, ctx: Context, topic: Topic, data: MuteRequest) -> Payload:
        self._admitted(ctx, topic)
        await _db(services.mute_request)(
            host=ctx.user,
            room_id=topic.id,
            user_id=data.user_id,
            kind=data.kind,
        )
        return {}

    @frame("participant.remove", UserRef)
    async def participant_remove(self, ctx: Context, topic: Topic, data: UserRef) -> Payload:
        self._admitted(ctx, topic)
        await _db(services.participant_remove)(
            host=ctx.user, room_id=topic.id, user_id=data.user_id
        )
        return {}

    @frame("lobby.admit", UserRef)
    async def lobby_admit(self, ctx: Context, topic: Topic, data: UserRef) -> Payload:
        self._admitted(ctx, topic)
        await _db(services.lobby_admit)(host=ctx.user, room_id=topic.id, user_id=data.user_id)
        return {}

    @frame("room.end", EmptyData)
    async def room_end(self, ctx: Context, topic: Topic, data: EmptyData) -> Payload:
        self._admitted(ctx, topic)
        await _db(services.room_end)(user=ctx.user, room_id=topic.id)
        return {}
