"""Chat's part of a person's data (accounts.privacy): the messages they sent and their contact
requests; on deletion, the contact requests go and the messages stay for the retention period
(chat.retention), shown as a deleted user's. Registered by ChatConfig.ready."""

from typing import Any

from django.db.models import Q

from accounts.models import User
from chat.models import ContactRequest, Message


def messages_export(user: User) -> list[dict[str, Any]]:
    """Every message the user sent and that is still kept, their own deleted ones included
    (kept for moderation, so theirs to see): the conversation by id and topic, in order."""
    rows = (
        Message.objects.filter(author=user)
        .select_related("conversation")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": message.pk,
            "conversation": message.conversation_id,
            "topic": message.conversation.topic,
            "seq": message.seq,
            "body": message.body,
            "created_at": message.created_at,
            "edited_at": message.edited_at,
            "deleted_at": message.deleted_at,
        }
        for message in rows
    ]


def contact_requests_export(user: User) -> list[dict[str, Any]]:
    """Requests the user sent (with their text) or received (the other side by id only: the
    text is the student's)."""
    rows = ContactRequest.objects.filter(Q(student=user) | Q(professional=user)).order_by(
        "created_at", "pk"
    )
    return [
        {
            "id": request.pk,
            "direction": "sent" if request.student_id == user.pk else "received",
            "student": request.student_id,
            "professional": request.professional_id,
            "message": request.message if request.student_id == user.pk else None,
            "status": request.status,
            "conversation": request.conversation_id,
            "created_at": request.created_at,
            "decided_at": request.decided_at,
        }
        for request in rows
    ]


def chat_erase(user: User) -> None:
    """Contact requests from or to the user go (a pending one would wait for nobody). Their
    memberships stay, so the other side still sees the conversation, with a deleted user."""
    ContactRequest.objects.filter(Q(student=user) | Q(professional=user)).delete()
