""" "Starting soon": the host and the invitees of a scheduled room are notified once,
ROOM_STARTING_SOON_MINUTES before its start, by the notifications' periodic sweep (registered
in RoomsConfig.ready; beat runs it every minute). A room created closer to its start than that
is announced on the next pass, as long as it has not started."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.notifications.models import NotificationKind
from accounts.notifications.service import notify_once
from rooms.models import Room, RoomInvite, RoomStatus


def rooms_starting_soon_notify(now: datetime) -> int:
    """Notify about every scheduled room starting within the lead time. Returns how many
    notifications were made (a person already told about a room is not told again)."""
    lead = timedelta(minutes=int(getattr(settings, "ROOM_STARTING_SOON_MINUTES", 10)))
    rooms = list(
        Room.objects.filter(
            status=RoomStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + lead
        )
    )
    made = 0
    for room in rooms:
        guests = RoomInvite.objects.filter(room=room).values_list("user_id", flat=True)
        data = {
            "room": room.pk,
            "title": room.title,
            "starts_at": room.starts_at.isoformat(),
            "url": reverse("rooms:room", args=[room.pk]),
        }
        with transaction.atomic():
            for user_id in [room.host_id, *guests]:
                note = notify_once(
                    user_id=user_id,
                    kind=NotificationKind.ROOM_STARTING_SOON,
                    data=data,
                    key={"room": room.pk},
                    unread_only=False,
                )
                made += note is not None
    return made
