"""Reports name their target by kind and id (step 3 of 3): the foreign keys into chat go, the
target is required and indexed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0003_report_target_copy"),
    ]

    operations = [
        migrations.RemoveField(model_name="report", name="conversation"),
        migrations.RemoveField(model_name="report", name="message"),
        migrations.AlterField(
            model_name="report",
            name="target_kind",
            field=models.CharField(max_length=32),
        ),
        migrations.AlterField(
            model_name="report",
            name="target_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["target_kind", "target_id"], name="report_target"),
        ),
    ]
