"""Reads of the chat: history pages, the inbox, contacts and contact requests."""

from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from chat.models import ContactRequest, ContactStatus, Conversation, Membership, Message
from chat.payloads import author_payload, message_change_payload, message_payload
from chat.presence_store import online_user_ids

HISTORY_MAX = 200
LATEST_PAGE = 50


@dataclass(frozen=True)
class History:
    """Messages in seq order. `more`: newer ones exist past this page (resume);
    `older`: older ones exist before it. `seq`: the last seq this page accounts for."""

    messages: list[dict[str, Any]]
    more: bool
    older: bool
    seq: int


def _rows(conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).select_related("author")


def message_history(
    *, conversation: Conversation, after_seq: int | None, limit: int = HISTORY_MAX
) -> History:
    """After `after_seq`: the next `limit` messages (resume). Without it: the latest
    `LATEST_PAGE` ones (opening a conversation)."""
    topic = conversation.topic
    if after_seq is None:
        last = conversation.last_seq
        rows = list(_rows(conversation).filter(seq__lte=last).order_by("-seq")[: LATEST_PAGE + 1])
        older = len(rows) > LATEST_PAGE
        page = list(reversed(rows[:LATEST_PAGE]))
        return History(
            messages=[message_payload(m, topic=topic) for m in page],
            more=False,
            older=older,
            seq=last,
        )
    after = max(0, min(after_seq, conversation.last_seq))
    rows = list(_rows(conversation).filter(seq__gt=after).order_by("seq")[: limit + 1])
    more = len(rows) > limit
    page = rows[:limit]
    return History(
        messages=[message_payload(m, topic=topic) for m in page],
        more=more,
        older=after > 0,
        seq=page[-1].seq if page else after,
    )


@dataclass(frozen=True)
class Updates:
    """Messages changed (edited, deleted) after a revision, in revision order. `more`: there
    are further changes past the last one listed (join again from its `revision`)."""

    messages: list[dict[str, Any]]
    more: bool


def message_updates(
    *, conversation: Conversation, up_to_seq: int, after_revision: int, limit: int = HISTORY_MAX
) -> Updates:
    """The messages with `seq <= up_to_seq` changed after `after_revision`, each once in its
    current state, with the `revision` of its latest change."""
    if after_revision >= conversation.revision or up_to_seq <= 0:
        return Updates(messages=[], more=False)  # nothing changed: no query
    rows = list(
        _rows(conversation)
        .filter(revision__gt=after_revision, seq__lte=up_to_seq)
        .order_by("revision")[: limit + 1]
    )
    return Updates(
        messages=[message_change_payload(m, topic=conversation.topic) for m in rows[:limit]],
        more=len(rows) > limit,
    )


def message_page_before(
    *, conversation: Conversation, before_seq: int | None, limit: int = LATEST_PAGE
) -> History:
    """Older history for scrolling up: up to `limit` messages before `before_seq`."""
    rows = _rows(conversation)
    if before_seq is not None:
        rows = rows.filter(seq__lt=before_seq)
    found = list(rows.order_by("-seq")[: limit + 1])
    page = list(reversed(found[:limit]))
    return History(
        messages=[message_payload(m, topic=conversation.topic) for m in page],
        more=False,
        older=len(found) > limit,
        seq=page[-1].seq if page else 0,
    )


def conversation_list(*, user: User) -> list[dict[str, Any]]:
    """The user's inbox, latest activity first, with unread counts and the other members.

    Three queries whatever the number of conversations."""
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("conversation")
        .annotate(unread=F("conversation__last_seq") - F("last_read_seq"))
        .annotate(
            last_body=Subquery(
                Message.objects.filter(conversation=OuterRef("conversation"))
                .order_by("-seq")
                .values("body")[:1]
            ),
            last_deleted=Subquery(
                Message.objects.filter(conversation=OuterRef("conversation"))
                .order_by("-seq")
                .values("deleted_at")[:1]
            ),
        )
        .order_by(F("conversation__last_message_at").desc(nulls_last=True), "-conversation_id")
    )
    ids = [m.conversation_id for m in memberships]
    others: dict[int, list[dict[str, Any]]] = {}
    for other in (
        Membership.objects.filter(conversation_id__in=ids)
        .exclude(user=user)
        .select_related("user")
        .order_by("id")
    ):
        others.setdefault(other.conversation_id, []).append(author_payload(other.user))
    online = online_user_ids({member["id"] for group in others.values() for member in group})
    for group in others.values():
        for member in group:
            member["online"] = member["id"] in online
    inbox = []
    for membership in memberships:
        conversation = membership.conversation
        inbox.append(
            {
                "id": conversation.pk,
                "topic": conversation.topic,
                "kind": conversation.kind,
                "members": others.get(conversation.pk, []),
                "last_seq": conversation.last_seq,
                "last_read_seq": membership.last_read_seq,
                "unread": max(0, membership.unread),
                "last_message": (
                    None
                    if membership.last_body is None
                    else ""
                    if membership.last_deleted is not None
                    else membership.last_body[:140]
                ),
                "last_message_at": (
                    conversation.last_message_at.isoformat().replace("+00:00", "Z")
                    if conversation.last_message_at
                    else None
                ),
            }
        )
    return inbox


def unread_conversations(*, user: User) -> list[dict[str, Any]]:
    """The user's conversations with unread messages (for the header badge), one query."""
    rows = (
        Membership.objects.filter(user=user, conversation__last_seq__gt=F("last_read_seq"))
        .order_by("conversation_id")
        .values_list("conversation_id", "conversation__last_seq", "last_read_seq")
    )
    return [{"id": c, "last_seq": last, "last_read_seq": read} for c, last, read in rows]


# A join lists at most this many members: a large topic (an event's chat) would otherwise cost
# every joining connection a read of all its members.
MEMBERS_IN_JOIN = 50


def conversation_members(
    *, conversation: Conversation, limit: int = MEMBERS_IN_JOIN
) -> list[dict[str, Any]]:
    """The first `limit` members (by joining order) with their read marks and whether they are
    online now."""
    memberships = list(
        Membership.objects.filter(conversation=conversation)
        .select_related("user")
        .order_by("id")[:limit]
    )
    online = online_user_ids(m.user_id for m in memberships)
    return [
        {**author_payload(m.user), "last_read_seq": m.last_read_seq, "online": m.user_id in online}
        for m in memberships
    ]


def conversation_partner_ids(*, user_id: int) -> list[int]:
    """The other members of the user's direct conversations (who see the user's presence)."""
    return list(
        Membership.objects.filter(
            conversation__kind="dm", conversation__memberships__user_id=user_id
        )
        .exclude(user_id=user_id)
        .values_list("user_id", flat=True)
        .distinct()
    )


def contact_list(*, user: User) -> QuerySet[User]:
    """The user's contacts: active users who share a direct conversation with them (for a
    professional, the students whose contact request they accepted). Other apps ask this, never
    chat's tables."""
    return (
        User.objects.filter(
            is_active=True,
            chat_memberships__conversation__kind="dm",
            chat_memberships__conversation__memberships__user=user,
        )
        .exclude(pk=user.pk)
        .distinct()
    )


def contact_exists(*, user: User, other: User) -> bool:
    """Whether `other` is one of `user`'s contacts (see `contact_list`)."""
    return contact_list(user=user).filter(pk=other.pk).exists()


def contact_request_accepted(a: User, b: User) -> bool:
    """Whether one of the two accepted a contact request of the other: the relationship chat
    registers with the contact policy (safeguarding.policy)."""
    return ContactRequest.objects.filter(
        Q(student=a, professional=b) | Q(student=b, professional=a),
        status=ContactStatus.ACCEPTED,
    ).exists()


def contact_request_list(*, user: User, status: str | None = None) -> QuerySet[ContactRequest]:
    """Requests the user sent (student) or received (professional), newest first."""
    requests = ContactRequest.objects.select_related("student", "professional", "conversation")
    requests = requests.filter(student=user) | requests.filter(professional=user)
    if status in ContactStatus.values:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-id")


def pending_request_count(*, professional: User) -> int:
    return ContactRequest.objects.filter(
        professional=professional, status=ContactStatus.PENDING
    ).count()


def conversation_topic(*, conversation_id: int) -> str | None:
    """The topic of a conversation (`dm:<id>`, `room:<room id>`), or None if there is none."""
    topic: str | None = (
        Conversation.objects.filter(pk=conversation_id).values_list("topic", flat=True).first()
    )
    return topic
