"""The slot-room link moves into scheduling (Slot.room) with every existing link kept.

Before: scheduling's opaque `Slot.room_ref` ("room:<id>") and rooms' `Room.slot` both stored
it. The rows are written through the historical models, so the test does not depend on today's.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps.registry import Apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("rooms", "0002_invite_dismissed_at"),
    ("scheduling", "0002_postgres_exclusion_constraints"),
]
AFTER = [("rooms", "0003_remove_room_slot"), ("scheduling", "0005_remove_slot_room_ref")]


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    migrations = MigrationExecutor(connection)
    yield migrations
    # Leave the database at today's schema for the tests that follow.
    migrations.loader.build_graph()
    migrations.migrate(migrations.loader.graph.leaf_nodes())


def _migrate(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> Apps:
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _model(apps: Apps, label: str) -> Any:
    """A historical model, typed loosely: its fields are not today's (mypy's plugin reads
    today's)."""
    return apps.get_model(label)


def _old_rows(apps: Apps) -> dict[str, Any]:
    """Slots and rooms in every shape the two old copies of the link could take."""
    user = _model(apps, settings.AUTH_USER_MODEL).objects.create(
        username="old-pro", role="professional", display_name="Old Pro", verified=True
    )
    slot_model = _model(apps, "scheduling.Slot")
    room_model = _model(apps, "rooms.Room")
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    slots: dict[str, Any] = {}
    for hour, name in enumerate(
        ("both", "room_only", "ref_only", "none", "dangling", "foreign", "disagree")
    ):
        slots[name] = slot_model.objects.create(
            professional=user,
            starts_at=start + dt.timedelta(hours=hour),
            ends_at=start + dt.timedelta(hours=hour, minutes=30),
            capacity=2,
            mode="virtual",
        )

    def room(slot: Any = None) -> Any:
        return room_model.objects.create(
            host=user, title="Meeting", starts_at=start, capacity=3, visibility="invite", slot=slot
        )

    rooms = {
        "both": room(slots["both"]),
        "room_only": room(slots["room_only"]),
        "ref_only": room(),
        "disagree_ref": room(),
        "disagree_copy": room(slots["disagree"]),
    }
    refs = {
        "both": f"room:{rooms['both'].pk}",
        "ref_only": f"room:{rooms['ref_only'].pk}",
        "dangling": "room:987654",
        "foreign": "elsewhere:12",
        "disagree": f"room:{rooms['disagree_ref'].pk}",
    }
    for name, ref in refs.items():
        slot_model.objects.filter(pk=slots[name].pk).update(room_ref=ref)
    return {
        "slots": {k: v.pk for k, v in slots.items()},
        "rooms": {k: v.pk for k, v in rooms.items()},
    }


@pytest.mark.django_db(transaction=True)
def test_every_slot_room_link_survives_the_move_into_scheduling(
    executor: MigrationExecutor,
) -> None:
    made = _old_rows(_migrate(executor, BEFORE))
    slots, rooms = made["slots"], made["rooms"]

    apps = _migrate(executor, AFTER)
    links = dict(_model(apps, "scheduling.Slot").objects.values_list("pk", "room_id"))
    assert links == {
        slots["both"]: rooms["both"],
        slots["room_only"]: rooms["room_only"],  # copied from Room.slot
        slots["ref_only"]: rooms["ref_only"],
        slots["none"]: None,
        slots["dangling"]: None,  # the ref named no room
        slots["foreign"]: None,
        slots["disagree"]: rooms["disagree_ref"],  # scheduling's link wins
    }
    room_columns = {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "rooms_room"
        )
    }
    assert "slot_id" not in room_columns
    assert _model(apps, "rooms.Room").objects.count() == len(rooms)

    # And back: both old copies are made again from the one link.
    apps = _migrate(executor, BEFORE)
    refs = dict(_model(apps, "scheduling.Slot").objects.values_list("pk", "room_ref"))
    assert refs[slots["room_only"]] == f"room:{rooms['room_only']}"
    assert refs[slots["none"]] is None
    copies = dict(
        _model(apps, "rooms.Room").objects.filter(slot__isnull=False).values_list("pk", "slot")
    )
    assert copies == {
        rooms["both"]: slots["both"],
        rooms["room_only"]: slots["room_only"],
        rooms["ref_only"]: slots["ref_only"],
        rooms["disagree_ref"]: slots["disagree"],
    }
