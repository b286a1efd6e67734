"""Writes of the chat: contact requests, conversations, messages, read state.

Every service is atomic and pushes through `push_on_commit` (`user_notify` for a user's
topic): a push never announces a row that was rolled back, and a message is committed before
anyone hears of it. Conversations are made here only: other apps open theirs with
`conversation_open` and add members with `conversation_member_add`.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.notifications.models import NotificationKind
from accounts.notifications.service import notifications_mark_read_where, notify
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
from chat.rules import ChatError as ChatError  # re-exported: callers know it as services.*
from chat.rules import SendResult as SendResult
from chat.rules import message_body_checked
from chat.selectors import contact_exists
from realtime.broadcast import push_on_commit
from realtime.users import user_notify
from safeguarding.policy import may_contact, may_message

EDIT_WINDOW = timedelta(minutes=15)
logger = logging.getLogger(__name__)


def max_pending_requests() -> int:
    return int(getattr(settings, "CHAT_MAX_PENDING_REQUESTS", 3))


# --- contact requests --------------------------------------------------------------------


def contact_request_create(*, student: User, professional: User, message: str) -> ContactRequest:
    """A student asks a verified professional for contact; the professional is told on their
    user topic (`contact.request`). Who may ask whom is the contact policy's
    (`safeguarding.policy.may_contact`).

    Raises ChatError: `forbidden` unless the policy lets the caller ask; `bad_request` (field
    `professional`) unless it lets the target be asked (an active verified professional);
    `conflict` for a request already pending or a conversation already open with them, or when
    the student has `CHAT_MAX_PENDING_REQUESTS` pending requests.
    """
    text = message.strip()
    verdict = may_contact(sender=student, recipient=professional)
    if not verdict.allowed:
        if verdict.party == "sender":
            raise ChatError("forbidden", verdict.message)
        raise ChatError("bad_request", verdict.message, field="professional")
    if not text:
        raise ChatError("bad_request", "Write a short message.", field="message")
    with transaction.atomic():
        # Lock the student's row: their pending count is checked and changed under it.
        User.objects.select_for_update().filter(pk=student.pk).first()
        if contact_exists(user=student, other=professional):
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
        user_notify(
            professional.pk,
            "contact.request",
            {
                "id": request.pk,
                "status": request.status,
                "student": author_payload(student),
                "message": request.message,
                "created_at": request.created_at.isoformat().replace("+00:00", "Z"),
            },
        )
        notify(
            user_id=professional.pk,
            kind=NotificationKind.CONTACT_REQUESTED,
            data={
                "request": request.pk,
                "name": student.display_name,
                "url": reverse("chat:inbox"),
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

    Raises ChatError `not_found` (not a request to this professional), `conflict` (decided),
    `forbidden` when the contact policy refuses the two a conversation (an unverified
    professional).
    """
    with transaction.atomic():
        request = _decide(professional=professional, request_id=request_id)
        request.status = ContactStatus.ACCEPTED
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        # The accepted request is the relationship the policy asks for (chat registers it).
        conversation = direct_conversation_open(sender=request.student, recipient=professional)
        request.conversation = conversation
        request.save(update_fields=["conversation"])
        message_send(
            author=request.student,
            conversation=conversation,
            body=request.message,
            client_id=f"contact-request-{request.pk}",
            rate_limited=False,
        )
        # The professional is here, accepting: the request's message is no news to them. On
        # commit, after the writer's own callback has made the notice (callbacks run in order).
        transaction.on_commit(
            lambda: notifications_mark_read_where(
                user_id=professional.pk,
                kind=NotificationKind.MESSAGE_WHILE_AWAY,
                key={"conversation": conversation.pk},
            )
        )
        data = {"id": request.pk, "status": request.status}
        data["conversation"] = conversation_ref(conversation)
        for user in (request.student, professional):
            user_notify(user.pk, "contact.accepted", data)
        notify(
            user_id=request.student_id,
            kind=NotificationKind.CONTACT_ACCEPTED,
            data={
                "request": request.pk,
                "conversation": conversation.pk,
                "name": professional.display_name,
                "url": reverse("chat:conversation", args=[conversation.pk]),
            },
        )
    return request


def contact_request_decline(*, professional: User, request_id: int) -> ContactRequest:
    """The professional declines; the student's topic gets `contact.declined`.

    Raises ChatError `not_found` or `conflict` as `contact_request_accept`."""
    with transaction.atomic():
        request = _decide(professional=professional, request_id=request_id)
        request.status = ContactStatus.DECLINED
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_at"])
        user_notify(
            request.student_id, "contact.declined", {"id": request.pk, "status": request.status}
        )
    return request


# --- conversations ------------------------------------------------------------------------


def _direct_conversation_between(a: User, b: User) -> Conversation | None:
    return (
        Conversation.objects.filter(kind="dm", memberships__user=a)
        .filter(memberships__user=b)
        .first()
    )


def direct_conversation_open(*, sender: User, recipient: User) -> Conversation:
    """The direct conversation (`dm:<id>`) of the two, made if they have none, when the
    contact policy lets them message (`safeguarding.policy.may_message`): the only way a dm
    and its memberships are made, so a dm member is someone the policy let in.

    Raises ChatError `forbidden` with the policy's words when it refuses.
    """
    verdict = may_message(sender=sender, recipient=recipient)
    if not verdict.allowed:
        raise ChatError("forbidden", verdict.message)
    with transaction.atomic():
        conversation = _direct_conversation_between(sender, recipient)
        if conversation is not None:
            return conversation
        conversation = Conversation.objects.create(kind="dm")
        conversation.topic = f"dm:{conversation.pk}"
        conversation.save(update_fields=["topic"])
        Membership.objects.bulk_create(
            [
                Membership(conversation=conversation, user=sender),
                Membership(conversation=conversation, user=recipient),
            ]
        )
    return conversation


def conversation_open(*, kind: str, topic: str) -> Conversation:
    """The chat of `topic` (a kind keyed by its topic, e.g. a room's `room:<id>`), made on
    first use. Members join with `conversation_member_add`; direct chats have their own
    opener (`direct_conversation_open`)."""
    conversation, _created = Conversation.objects.get_or_create(
        topic=topic, defaults={"kind": kind}
    )
    return conversation


def conversation_member_add(*, conversation: Conversation, user: User) -> None:
    """Make `user` a member of `conversation` (nothing if they are one already)."""
    Membership.objects.get_or_create(conversation=conversation, user=user)


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
            # Reading the conversation is reading its "new messages" notice.
            notifications_mark_read_where(
                user_id=user.pk,
                kind=NotificationKind.MESSAGE_WHILE_AWAY,
                key={"conversation": conversation.pk},
            )
    return int(mark or 0)
