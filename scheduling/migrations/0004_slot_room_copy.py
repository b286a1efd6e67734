"""Copy every slot's room link into Slot.room, before the two old copies are dropped.

A migration of its own, apart from the schema changes around it: on PostgreSQL a table cannot
be altered in the transaction that updated its rows (deferred foreign-key checks are pending).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

ROOM_PREFIX = "room:"


def _ref_room_id(ref: str) -> int | None:
    """The room id in a `room_ref` ("room:<id>"), or None for anything else."""
    text = ref.removeprefix(ROOM_PREFIX)
    return int(text) if text != ref and text.isdigit() and len(text) <= 18 else None


def link_slots_to_rooms(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Slot.room from scheduling's `room_ref` where it names an existing room, else from rooms'
    copy (`Room.slot`). A room goes to one slot: the first link found keeps it."""
    slot_model = apps.get_model("scheduling", "Slot")
    room_model = apps.get_model("rooms", "Room")
    existing = set(room_model.objects.values_list("pk", flat=True))
    links: dict[int, int] = {}  # slot id -> room id
    taken: set[int] = set()
    refs = slot_model.objects.filter(room_ref__startswith=ROOM_PREFIX).order_by("pk")
    for slot_id, ref in refs.values_list("pk", "room_ref"):
        room_id = _ref_room_id(ref)
        if room_id in existing and room_id not in taken:
            links[slot_id] = room_id
            taken.add(room_id)
    copies = room_model.objects.filter(slot__isnull=False).order_by("pk")
    for room_id, slot_id in copies.values_list("pk", "slot_id"):
        if slot_id not in links and room_id not in taken:
            links[slot_id] = room_id
            taken.add(room_id)
    for slot_id, room_id in links.items():
        slot_model.objects.filter(pk=slot_id).update(room_id=room_id)


def unlink_slots_from_rooms(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Back to both copies of the link: `room_ref` and `Room.slot` from Slot.room."""
    slot_model = apps.get_model("scheduling", "Slot")
    room_model = apps.get_model("rooms", "Room")
    linked = slot_model.objects.filter(room__isnull=False).order_by("pk")
    for slot_id, room_id in linked.values_list("pk", "room_id"):
        slot_model.objects.filter(pk=slot_id).update(room_ref=f"{ROOM_PREFIX}{room_id}")
        room_model.objects.filter(pk=room_id).update(slot_id=slot_id)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_slot_room")]

    operations = [migrations.RunPython(link_slots_to_rooms, unlink_slots_from_rooms)]
