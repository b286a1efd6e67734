from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0004_slot_room_copy")]

    operations = [migrations.RemoveField(model_name="slot", name="room_ref")]
