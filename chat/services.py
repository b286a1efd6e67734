"""Writes of the chat: contact requests, conversations, messages, read state.

Every service is atomic and pushes through `push_on_commit`: a push never announces a row
that was rolled back, and a message is committed before anyone hears of it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from chat.announce import conversation_read_on_commit
from chat.models import (
    ContactRequest,
    ContactStatus,
    Conversation,
    Membership,
    Message,
)
from chat.payloads import (
    author_payload,
    conversation_ref,
    message_change_payload,
)
from chat.rules import ChatError, SendResult, message_body_checked

__all__ = ["ChatError", "SendResult"]  # re-exported: callers know them as services.*
from realtime.broadcast import push_on_commit
from realtime.users import user_topic

EDIT_WINDOW = timedelta(minutes=15)
logger = logging.getLogger(__name__)


def max_pending_requests() -> int:
    return int(getattr(settings, "CHAT_MAX_PENDING_REQUESTS", 3))


# --- contact requests --------------------------------------------------------------------


def contact_request_create(*, student: User, professional: User, message: str) -> ContactRequest:
    """A student asks a verified professional for contact; the professional is told on their
    user topic (`contact.request`).

    Raises ChatError: `forbidden` unless the caller is a student; `bad_request` (field
    `professional`) unless the target is an active verified professional; `conflict` for a
    request already pending or a conversation already open with them, or when the student has
    `CHAT_MAX_PENDING_REQUESTS` pending requests.
    """
    text = message.strip()
    if student.role != Role.STUDENT:
        raise ChatError("forbidden", "Only students can ask professionals for contact.")
    if not (professional.is_active and professional.is_professional and professional.verified):
        raise ChatError(
            "bad_request", "Only verified professionals can be contacted.", field="professional"
        )
    if not text:
        raise ChatError("bad_request", "Write a short message.", field="message")
    with transaction.atomic():
        # Lock the student's row: their pending count is checked and changed under it.
        User.objects.select_for_update().filter(pk=student.pk).first()
        if direct_conversation_between(student=student, professional=professional) is not None:
            raise ChatError("conflict", "You already have a conversation with this person.")
        pending = ContactRequest.objects.filter(student=student, status=ContactStatus.PENDING)
        if pending.filter(professional=professional).exists():
            raise ChatError("conflict", "You already asked this person; wait for their answer.")
        if pending.count() >= max_pending_requests():
            raise ChatError(
                "conflict",
                f"You can have {max_pending_requests()} pending requests at a time.",
            )
        try:
            with transaction.atomic():
                request = ContactRequest.objects.create(
                    student=student, professional=professional, message=text
                )
        except IntegrityError:
            raise ChatError("conflict", "You already asked this person.") from None
        push_on_commit(
            user_topic(professional.pk),
            "contact.request",
            {
                "id": request.pk,
                "status": request.status,
                "student": author_payload(student),
                "message": request.message,
                "created_at": request.created_at.isoformat().replace("+00:00", "Z"),
            },
        )
    return request


def _decide(*, professional: User, request_id: int) -> ContactRequest:
    request = (
        ContactRequest.objects.select_for_update()
        .select_related("student", "professional")
        .filter(pk=request_id, professional=professional)
        .first()
    )
    if request is None:
        raise ChatError("not_found", "No such contact request.")
    if request.status != ContactStatus.PENDING:
        raise ChatError("conflict", f"This request is already {request.status}.")
    return request


def contact_request_accept(*, professional: User, request_id: int) -> ContactRequest:
    """The professional accepts: a direct conversation opens (or reopens) for both, with the
    request's message as its first message. Both users' topics get `contact.accepted`.

    Raises ChatError `not_found` (not a request to this professional) or `conflict` (decided).
    """
    with transaction.atomic():
        request = _decide(professional=professional, request_id=request_id)
        if not professional.verified:
            raise ChatError("forbidden", "Your profile must be verified first.")
        conversation = direct_conversation_between(
            student=request.student, professional=professional
        )
        if conversation is None:
            conversation = Conversation.objects.create(kind="dm")
            conversation.topic = f"dm:{conversation.pk}"
            conversation.save(update_fields=["topic"])
            Membership.objects.bulk_create(
                [
                    Membership(conversation=conversation, user=request.student),
                    Membership(conversation=conversation, user=professional),
                ]
            )
        request.status = ContactStatus.ACCEPTED
        request.decided_at = timezone.now()
        request.conversation = conversation
        request.save(update_fields=["status", "decided_at", "conversation"])
        message_send(
            author=request.student,
            conversation=conversation,
            body=request.message,
            client_id=f"contact-request-{request.pk}",
            rate_limited=False,
        )
        data = {"id": request.pk, "status": request.status}
        data["conversation"] = conversation_ref(conversation)
        for user in (request.student, professional):
            push_on_commit(user_topic(user.pk), "contact.accepted", data)
    return request


def contact_request_decline(*, professional: User, request_id: int) -> ContactRequest:
    """The professional declines; the student's topic gets `contact.declined`.

    Raises ChatError `not_found` or `conflict` as `contact_request_accept`."""
    with transaction.atomic():
        request = _decide(professional=professional, request_id=request_id)
        request.status = ContactStatus.DECLINED
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        push_on_commit(
            user_topic(request.student_id),
            "contact.declined",
            {"id": request.pk, "status": request.status},
        )
    return request


def direct_conversation_between(*, student: User, professional: User) -> Conversation | None:
    return (
        Conversation.objects.filter(kind="dm", memberships__user=student)
        .filter(memberships__user=professional)
        .first()
    )


# --- messages ----------------------------------------------------------------------------


def message_send(
    *,
    author: User,
    conversation: Conversation,
    body: str,
    client_id: str,
    rate_limited: bool = True,
) -> SendResult:
    """Store a message with the next `seq` of its conversation, then (on commit) push
    `message.new` to the conversation's topic.

    Idempotent on `client_id`: a second send with the same id stores nothing and returns the
    stored message (`created=False`). The seq is allocated under the conversation's row lock
    (PostgreSQL) or the database write lock (SQLite), so seqs have no gaps and no duplicates.
    Raises ChatError: `bad_request` for an empty or too long body, `conflict` for a client id
    another author used, `rate_limited` past the per-user rate.
    """
    # chat.sending builds on this module (ChatError, SendResult), hence the late import.
    from chat.sending import SendRequest, message_send_batch

    request = SendRequest(
        author=author,
        conversation=conversation,
        body=body,
        client_id=client_id,
        rate_limited=rate_limited,
    )
    (outcome,) = message_send_batch([request])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _next_revision(conversation: Conversation) -> int:
    """Allocate the conversation's next revision under its row lock, so revisions commit in
    order: a client that saw revision R has seen every change up to R."""
    locked = Conversation.objects.select_for_update().only("id", "revision").get(pk=conversation.pk)
    revision = locked.revision + 1
    Conversation.objects.filter(pk=locked.pk).update(revision=revision)
    conversation.revision = revision
    return revision


def _own_recent_message(*, author: User, conversation: Conversation, message_id: int) -> Message:
    message = (
        Message.objects.select_for_update().filter(pk=message_id, conversation=conversation).first()
    )
    if message is None:
        raise ChatError("not_found", "No such message in this conversation.")
    if message.author_id != author.pk:
        raise ChatError("forbidden", "Only its author can change a message.")
    if message.deleted_at is not None:
        raise ChatError("conflict", "This message was deleted.")
    if timezone.now() - message.created_at > EDIT_WINDOW:
        raise ChatError("forbidden", "Messages can be changed for 15 minutes only.")
    message.author = author
    message.conversation = conversation
    return message


def message_edit(
    *, author: User, conversation: Conversation, message_id: int, body: str
) -> Message:
    """The author rewrites a message within 15 minutes; members get `message.updated`.

    Raises ChatError `not_found`, `forbidden` (not the author, too late), `conflict` (deleted),
    `bad_request` (empty body), `too_large` (the same limit as sending)."""
    text = message_body_checked(body)
    with transaction.atomic():
        message = _own_recent_message(
            author=author, conversation=conversation, message_id=message_id
        )
        message.body = text
        message.edited_at = timezone.now()
        message.revision = _next_revision(conversation)
        message.save(update_fields=["body", "edited_at", "revision"])
        assert conversation.topic is not None  # noqa: S101
        push_on_commit(conversation.topic, "message.updated", message_change_payload(message))
    return message


def message_delete(*, author: User, conversation: Conversation, message_id: int) -> Message:
    """The author deletes a message within 15 minutes. The row and its body are kept for
    moderation; members get `message.deleted` and see no body any more.

    Raises ChatError like `message_edit`."""
    with transaction.atomic():
        message = _own_recent_message(
            author=author, conversation=conversation, message_id=message_id
        )
        message.deleted_at = timezone.now()
        message.revision = _next_revision(conversation)
        message.save(update_fields=["deleted_at", "revision"])
        assert conversation.topic is not None  # noqa: S101
        push_on_commit(conversation.topic, "message.deleted", message_change_payload(message))
    return message


def membership_mark_read(*, user: User, conversation: Conversation, seq: int) -> int:
    """Move the user's read mark forward to `seq` (never back, never past the last message);
    members get `read` with the new mark. Returns the mark."""
    seq = min(seq, conversation.last_seq)
    with transaction.atomic():
        updated = Membership.objects.filter(
            conversation=conversation, user=user, last_read_seq__lt=seq
        ).update(last_read_seq=seq)
        mark = (
            Membership.objects.filter(conversation=conversation, user=user)
            .values_list("last_read_seq", flat=True)
            .first()
        )
        if updated and conversation.topic:
            push_on_commit(conversation.topic, "read", {"user_id": user.pk, "seq": seq})
            conversation_read_on_commit(user=user, conversation=conversation, seq=seq)
    return int(mark or 0)
