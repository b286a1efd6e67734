import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The slot's link to its video room becomes a foreign key (it was an opaque `room_ref`
    here and a second copy, `Room.slot`, in rooms). 0004 copies the links, then the old
    fields go (0005, rooms 0003)."""

    dependencies = [
        ("rooms", "0002_invite_dismissed_at"),
        ("scheduling", "0002_postgres_exclusion_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="slot",
            name="room",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="meeting_slot",
                to="rooms.room",
            ),
        ),
    ]
