from django.db import migrations


class Migration(migrations.Migration):
    """Rooms' copy of the slot link goes: scheduling keeps the one link (`Slot.room`), filled
    from this column first (scheduling 0004)."""

    dependencies = [
        ("rooms", "0002_invite_dismissed_at"),
        ("scheduling", "0004_slot_room_copy"),
    ]

    operations = [migrations.RemoveField(model_name="room", name="slot")]
