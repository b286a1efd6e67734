"""The demo data's upcoming Q&A room (api.md): a public room of demo-pro, open to join now."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from rooms.models import Room, RoomStatus
from rooms.services import room_create

DEMO_ROOM_TITLE = "Ask a paediatric nurse anything"


def demo_room_seed(*, now: dt.datetime | None = None) -> Room | None:
    """Give demo-pro one public room starting in 10 minutes (so it is upcoming and already
    open: rooms open 15 minutes early). Idempotent: while demo-pro has a room that has not
    ended, nothing is made. None when there is no demo-pro."""
    host = User.objects.filter(username="demo-pro").first()
    if host is None:
        return None
    existing = Room.objects.filter(host=host).exclude(status=RoomStatus.ENDED).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    return room_create(
        host=host,
        title=DEMO_ROOM_TITLE,
        description=(
            "Night shifts, tiny patients and big decisions: bring your questions about "
            "nursing studies and the job itself. Raise your hand to come on stage."
        ),
        starts_at=now + dt.timedelta(minutes=10),
        capacity=6,
        now=now,
    )
