"""Chat: contact requests, conversations keyed by their topic, members, and messages.

A `Conversation` is the chat of one topic (`dm:<id>` today, `room:<id>` later): messages carry
a per-conversation `seq` allocated under the conversation's row lock, so it has no gaps.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 4000
CLIENT_ID_MAX_LENGTH = 64
CONTACT_MESSAGE_MAX_LENGTH = 1000


class ContactStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Conversation(models.Model):
    """The chat of one topic. `last_seq` is the seq of its latest message (0: none yet)."""

    kind = models.CharField(max_length=32)
    # Wire form of the topic, e.g. "dm:12"; unique, so any topic kind can own one chat. Null
    # only inside the transaction that creates a dm (its id is part of its topic).
    topic = models.CharField(max_length=100, unique=True, null=True)  # noqa: DJ001
    last_seq = models.PositiveBigIntegerField(default=0)
    # Bumped by every edit and delete (under the row lock): a client that re-joins with the
    # revision it saw gets the messages it already had that changed since.
    revision = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["-last_message_at"], name="conversation_latest")]

    def __str__(self) -> str:
        return self.topic or f"conversation {self.pk}"


class Membership(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_memberships"
    )
    last_read_seq = models.PositiveBigIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    """A chat message. Deleted messages keep their row (and body) for moderation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chat_messages"
    )
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    client_id = models.CharField(max_length=CLIENT_ID_MAX_LENGTH)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The conversation's revision at this message's last edit or delete (0: never changed).
    revision = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["conversation", "seq"]
        indexes = [models.Index(fields=["conversation", "revision"], name="message_revision")]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_once"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"], name="message_client_id_once"
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="message_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.seq}"


class ContactRequest(models.Model):
    """A student asks a verified professional for a conversation."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_requests_sent"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
    )
    message = models.TextField(max_length=CONTACT_MESSAGE_MAX_LENGTH)
    status = models.CharField(
        max_length=16, choices=ContactStatus.choices, default=ContactStatus.PENDING
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "professional"],
                condition=models.Q(status="pending"),
                name="contact_request_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ContactStatus]),
                name="contact_request_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(student=models.F("professional")),
                name="contact_request_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.professional_id} ({self.status})"
