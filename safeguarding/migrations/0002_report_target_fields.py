"""Reports name their target by kind and id (step 1 of 3): the new columns, still empty, and
the old link made optional so that going back can refill it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="target_kind",
            field=models.CharField(max_length=32, null=True),  # required from step 3
        ),
        migrations.AddField(
            model_name="report",
            name="target_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="report",
            name="item_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="report",
            name="conversation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="chat.conversation",
            ),
        ),
    ]
