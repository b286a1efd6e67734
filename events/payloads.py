"""The wire shapes of events: the event, its clock state and a table's pairing (REST, the
`join` reply and the pushes of the `event:` topic, protocol.md)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.payloads import author_payload
from events.models import Event, EventMode, EventStatus, EventTable
from gallery.models import WitnessProfile
from gallery.photos import photo_urls


def iso_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the offset, UTC written "Z" (as the rooms' and chat's payloads)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def person_payload(user: User) -> dict[str, Any]:
    """`{"id", "name"}`: a person as the event's shapes name them."""
    author = author_payload(user)
    return {"id": author["id"], "name": author["name"]}


def event_state(event: Event, now: dt.datetime | None = None) -> dict[str, Any]:
    """The clock: `{"status", "round", "phase", "phase_ends_at", "server_time"}`. `server_time`
    lets a client count down without trusting its own clock; in draft round is 0 and phase
    null; while paused `phase_ends_at` is null (the remaining time is kept server side)."""
    now = now or timezone.now()
    draft = event.status == EventStatus.DRAFT
    return {
        "status": event.status,
        "round": 0 if draft else event.round,
        "phase": None if draft else event.phase,
        "phase_ends_at": iso_datetime(event.phase_ends_at),
        "server_time": iso_datetime(now),
    }


def event_payload(
    event: Event, now: dt.datetime | None = None, user: User | None = None
) -> dict[str, Any]:
    """The event as REST answers it; `join_code` only for its organiser."""
    body: dict[str, Any] = {
        "id": event.pk,
        "topic": event.topic,
        "title": event.title,
        "mode": event.mode,
        "venue": event.venue,
        "starts_at": iso_datetime(event.starts_at),
        "rounds": event.rounds,
        "round_seconds": event.round_seconds,
        "break_seconds": event.break_seconds,
        "students_per_table": event.students_per_table,
        "status": event.status,
        "organiser": person_payload(event.organiser),
        "state": event_state(event, now),
    }
    if user is not None and user.pk == event.organiser_id:
        body["join_code"] = event.join_code
    return body


def professional_cards(user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{professional id: {"title", "photo"}} in two queries, for pairings built many at once
    (a round's pushes): pass it to `pairing_payload` as `cards`."""
    ids = set(user_ids)
    titles = dict(
        WitnessProfile.objects.filter(user_id__in=ids).values_list("user_id", "job_title")
    )
    photos = photo_urls(ids, "small")
    return {
        user_id: {"title": titles.get(user_id) or None, "photo": photos.get(user_id)}
        for user_id in ids
    }


def pairing_payload(
    table: EventTable,
    students: Sequence[User],
    event: Event,
    *,
    cards: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A table of a round: `{"round", "professional": {"id", "name", "title", "photo"},
    "students": [{"id", "name"}], "room": "room:<id>"|null, "table": n|null}` (the table number
    in person only: online the room is the place). `title` is the professional's job title
    and `photo` their small photo URL, null when they have none; `cards`
    (`professional_cards`) saves the two queries per table when many pairings are built."""
    found = cards if cards is not None else professional_cards([table.professional_id])
    card = found.get(table.professional_id) or {"title": None, "photo": None}
    return {
        "round": table.round,
        "professional": {**person_payload(table.professional), **card},
        "students": [person_payload(student) for student in students],
        "room": f"room:{table.room_id}" if table.room_id is not None else None,
        "table": table.table if event.mode == EventMode.IN_PERSON else None,
    }
