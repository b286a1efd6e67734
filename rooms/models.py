"""Video Q&A rooms: the room, who may and who does take part, hands and the question queue.

Presence is one `RoomPeer` row per live connection (deleted on leave); the signalling relay
never reads these rows, it reads the peer cache (rooms/peercache.py) written beside them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 2000
QUESTION_MAX_LENGTH = 500
MIN_CAPACITY = 2


class RoomStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INVITE = "invite", _("Invite only")


class MediaMode(models.TextChoices):
    MESH = "mesh", _("Peer to peer")


class ParticipantRole(models.TextChoices):
    HOST = "host", _("Host")
    STAGE = "stage", _("On stage")
    AUDIENCE = "audience", _("Audience")


class Room(models.Model):
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosted_rooms"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    starts_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    lobby = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=RoomStatus.choices, default=RoomStatus.SCHEDULED
    )
    media_mode = models.CharField(max_length=16, choices=MediaMode.choices, default=MediaMode.MESH)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="room_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=MIN_CAPACITY), name="room_capacity"),
            models.CheckConstraint(
                condition=Q(status__in=RoomStatus.values), name="room_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=RoomStatus.ENDED, ended_at__isnull=False)
                | (~Q(status=RoomStatus.ENDED) & Q(ended_at__isnull=True)),
                name="room_ended_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"room:{self.pk} {self.title}"

    @property
    def topic(self) -> str:
        return f"room:{self.pk}"


class RoomInvite(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="invites")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_invites"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the guest closed the invitation's notice: it is no longer shown on every page.
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="room_invite_once")]

    def __str__(self) -> str:
        return f"{self.user_id} invited to {self.room_id}"


class RoomParticipant(models.Model):
    """A user who joined (or knocked at the lobby of, or was removed from) a room."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_participations"
    )
    role = models.CharField(
        max_length=16, choices=ParticipantRole.choices, default=ParticipantRole.AUDIENCE
    )
    admitted = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    hand_raised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="room_participant_once"),
            models.CheckConstraint(
                condition=Q(role__in=ParticipantRole.values), name="room_participant_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.room_id} ({self.role})"


class RoomPeer(models.Model):
    """One live connection in a room. `peer_id` is the gateway's connection id."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="peers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_peers"
    )
    peer_id = models.CharField(max_length=32)
    channel_name = models.CharField(max_length=200)
    # False while the user waits in the lobby: not announced, not reachable by signals.
    admitted = models.BooleanField(default=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    # The peer store's epoch when this peer's entry was last written (rooms.peercache): an
    # entry missing from the same epoch expired (its process died); one from an older epoch
    # may just have been lost with the store's data, and its live connection writes it again.
    store_epoch = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["room", "peer_id"], name="room_peer_once")]

    def __str__(self) -> str:
        return f"{self.peer_id} in {self.room_id}"


class Question(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_questions"
    )
    body = models.TextField(max_length=QUESTION_MAX_LENGTH)
    votes = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-votes", "created_at", "pk"]

    def __str__(self) -> str:
        return f"question {self.pk} in {self.room_id}"


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="vote_rows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → question {self.question_id}"
