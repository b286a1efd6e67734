"""The rooms of an online event's rounds: one per table, opened when the round's meeting
begins and ended when it ends (or when the event ends).

Rooms are made through the rooms service, hosted by the table's professional, invite-only;
who else may enter is answered by the admission in events/rooms_seam.py (the table's students
and the event's organiser), so a re-plan needs no bookkeeping of guest lists. The clock calls
these holding the event's row lock. Making and ending a room is a dozen queries, and an event
has up to hundreds of tables: done inside a round change, it held the new pairings back by
seconds (docs/performance.md). So a round change only announces: the rooms of the next round
are made once the change has committed and its pushes are sent (`round_rooms_prepare_after_commit`),
and the rooms of the round just over are ended then too (`round_rooms_end_after_commit`). A
round whose rooms are not ready (the first, or one just re-planned) gets them in the change
itself. A pass of the clock ends the rooms a crash left open after their round
(`round_rooms_end_stale`).
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from events import rooms_seam  # noqa: F401  (registers who the rooms made here admit)
from events.models import Event, EventMode, EventSeat, EventStatus, EventTable, Phase
from rooms.errors import RoomError
from rooms.media import media_policy
from rooms.models import TITLE_MAX_LENGTH as ROOM_TITLE_MAX_LENGTH
from rooms.models import MediaMode, RoomStatus, Visibility
from rooms.services import room_create
from rooms.services.lifecycle import room_end_without_host

logger = logging.getLogger(__name__)

# The table's professional and students, plus the organiser dropping in.
ORGANISER_PLACES = 1


def _room_title(event: Event, round_number: int, language: str) -> str:
    # A room has one title for everyone in it: written in its host's language.
    with override(language):
        title = _("%(title)s — round %(round)d") % {"title": event.title, "round": round_number}
    return title[:ROOM_TITLE_MAX_LENGTH]


def round_rooms_open(*, event: Event, round_number: int, now: dt.datetime) -> int:
    """Make the rooms of an online event's round, one per table that has none yet, and link
    them (EventTable.room). Returns how many were made; 0 for an in-person event.

    A room that cannot be made (RoomError: the professional may no longer host) is logged and
    the table keeps no room: its pairing carries `room: null`, the meeting goes on without it.
    """
    if event.mode != EventMode.VIRTUAL:
        return 0
    tables = list(
        EventTable.objects.filter(event=event, round=round_number, room__isnull=True)
        .select_related("professional")
        .order_by("table")
    )
    if not tables:
        return 0
    seated: dict[int, int] = {}
    for table_id in EventSeat.objects.filter(event=event, round=round_number).values_list(
        "table_id", flat=True
    ):
        seated[table_id] = seated.get(table_id, 0) + 1
    policy = media_policy(MediaMode.MESH)
    linked: list[EventTable] = []
    for table in tables:
        capacity = policy.limit(1 + seated.get(table.pk, 0) + ORGANISER_PLACES)
        try:
            room = room_create(
                host=table.professional,
                title=_room_title(event, round_number, table.professional.preferred_language),
                starts_at=now,
                capacity=capacity,
                visibility=Visibility.INVITE,
                now=now,
            )
        except RoomError:
            logger.warning(
                "event %s round %s table %s: no room could be made",
                event.pk,
                round_number,
                table.table,
                exc_info=True,
            )
            continue
        table.room = room
        linked.append(table)
    EventTable.objects.bulk_update(linked, ["room"])
    return len(linked)


def round_rooms_end(*, event: Event, round_number: int | None, now: dt.datetime) -> int:
    """End the rooms of a round (every open room of the event when `round_number` is None):
    their connections get `room.ended` and leave. Returns how many were ended."""
    tables = EventTable.objects.filter(event=event, room__isnull=False).exclude(
        room__status=RoomStatus.ENDED
    )
    if round_number is not None:
        tables = tables.filter(round=round_number)
    ended = 0
    for room_id in tables.values_list("room_id", flat=True):
        if room_end_without_host(room_id=room_id, now=now) is not None:
            ended += 1
    return ended


def round_rooms_end_after_commit(*, event: Event, round_number: int | None) -> None:
    """Once the current transaction commits (and after the pushes it registered before this
    call, such as the next round's pairings), end the rooms of `round_number` (all the
    event's open rooms when None), in a transaction of their own."""
    event_id = event.pk

    def end_rooms() -> None:
        with transaction.atomic():
            locked = Event.objects.filter(pk=event_id).first()
            if locked is not None:
                round_rooms_end(event=locked, round_number=round_number, now=timezone.now())

    transaction.on_commit(end_rooms, robust=True)


def round_rooms_end_stale(*, now: dt.datetime | None = None) -> int:
    """End the open rooms of rounds that are over (an earlier round, the current round during
    its break, or an ended event): what a process that stopped between a round change and its
    rooms' ending left open. One query when there is none."""
    now = now or timezone.now()
    over = (
        Q(event__status=EventStatus.ENDED)
        | Q(round__lt=F("event__round"))
        | Q(round=F("event__round"), event__phase=Phase.BREAK)
    )
    stale = (
        EventTable.objects.filter(over, room__isnull=False)
        .exclude(room__status=RoomStatus.ENDED)
        .values_list("room_id", flat=True)
    )
    ended = 0
    for room_id in list(stale):
        if room_end_without_host(room_id=room_id, now=now) is not None:
            ended += 1
    return ended


def round_rooms_prepare_after_commit(*, event: Event, round_number: int) -> None:
    """Once the current transaction commits (after the pushes it registered), make the rooms
    of the coming round `round_number`, in a transaction of its own that locks the event
    (a re-plan or the event's end cannot interleave). Nothing if the event has moved past it
    or ended meanwhile."""
    event_id = event.pk

    def prepare_rooms() -> None:
        with transaction.atomic():
            locked = Event.objects.select_for_update().filter(pk=event_id).first()
            if locked is None or locked.status == EventStatus.ENDED:
                return
            if locked.round >= round_number:
                return  # begun already: it made its own rooms
            round_rooms_open(event=locked, round_number=round_number, now=timezone.now())

    transaction.on_commit(prepare_rooms, robust=True)


def rooms_of_rounds_from(*, event: Event, round_number: int) -> list[int]:
    """The open rooms linked to the tables of rounds from `round_number` on: what a re-plan,
    which replaces those tables, must end."""
    return list(
        EventTable.objects.filter(event=event, round__gte=round_number, room__isnull=False)
        .exclude(room__status=RoomStatus.ENDED)
        .values_list("room_id", flat=True)
    )


def rooms_end_after_commit(room_ids: list[int]) -> None:
    """Once the current transaction commits, end these rooms (each in its own transaction)."""
    if not room_ids:
        return

    def end_rooms() -> None:
        now = timezone.now()
        for room_id in room_ids:
            room_end_without_host(room_id=room_id, now=now)

    transaction.on_commit(end_rooms, robust=True)
