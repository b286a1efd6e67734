"""Invitations to a room, under the safeguarding rule of docs/rooms.md: a host invites only
people who already have a direct conversation with them (for a student, one the student
opened with a contact request), or verified professionals. Guests that an app above rooms
admits (a booked slot's students: `rooms.access.register_room_admission`) need no invitation."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications.models import NotificationKind
from accounts.notifications.service import notify
from chat.payloads import author_payload
from realtime.users import user_notify
from rooms.access import access_room, room_host_only
from rooms.errors import RoomError
from rooms.models import RoomInvite, RoomStatus
from rooms.payloads import room_payload
from rooms.selectors import contacts_of
from safeguarding.policy import may_invite


def user_may_be_invited(*, host: User, guest: User) -> bool:
    """Whether `host` may invite `guest`: the contact policy's answer (safeguarding.policy)."""
    are_contacts = contacts_of(user=host).filter(pk=guest.pk).exists()
    return may_invite(host=host, guest=guest, are_contacts=are_contacts).allowed


def room_invite(*, host: User, room_id: int, user_id: int) -> tuple[RoomInvite, bool]:
    """The host invites a user; returns the invite and whether it is new. The first time, the
    guest's user topic gets `room.invited` `{"room", "by"}`, and the host's gets
    `room.invite.created` `{"room": id, "user"}` (the invite panel in the host's other tabs).

    Raises RoomError `not_found` / `forbidden` (access, not the host), `conflict` (ended) and
    `bad_request` with field `user`: the host, or a user the host may not invite. An unknown
    or inactive user gets the same answer as one outside the rule, so ids cannot be probed.
    """
    with transaction.atomic():
        room = access_room(user=host, room_id=room_id)
        room_host_only(room=room, user=host)
        if room.status == RoomStatus.ENDED:
            raise RoomError("conflict", _("This room has ended."))
        if user_id == host.pk:
            raise RoomError("bad_request", _("Invite another active user."), field="user")
        guest = User.objects.filter(pk=user_id, is_active=True).first()
        if guest is None or not user_may_be_invited(host=host, guest=guest):
            raise RoomError(
                "bad_request",
                _(
                    "You can invite people who have a conversation with you, and verified "
                    "professionals."
                ),
                field="user",
            )
        try:
            with transaction.atomic():
                invite, created = RoomInvite.objects.get_or_create(room=room, user=guest)
        except IntegrityError:  # a concurrent invite of the same guest won
            invite, created = RoomInvite.objects.get(room=room, user=guest), False
        if created:
            user_notify(
                guest.pk, "room.invited", {"room": room_payload(room), "by": author_payload(host)}
            )
            user_notify(
                host.pk, "room.invite.created", {"room": room.pk, "user": author_payload(guest)}
            )
            notify(
                user_id=guest.pk,
                kind=NotificationKind.ROOM_INVITATION,
                data={
                    "room": room.pk,
                    "name": host.display_name,
                    "title": room.title,
                    "starts_at": room.starts_at.isoformat(),
                    "url": reverse("rooms:room", args=[room.pk]),
                },
            )
    return invite, created


def room_invite_dismiss(*, user: User, room_id: int) -> None:
    """The guest closes the notice of their invitation to a room: no page shows it again (the
    invitation itself stays, and the room list still marks it). Closing it twice is fine.
    Raises RoomError `not_found` when the user has no invitation to that room."""
    updated = RoomInvite.objects.filter(user=user, room_id=room_id).update(
        dismissed_at=timezone.now()
    )
    if not updated:
        raise RoomError("not_found", _("You have no invitation to this room."))
