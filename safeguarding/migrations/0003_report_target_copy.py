"""Reports name their target by kind and id (step 2 of 3): every report's conversation and
message are copied to its target, and back when migrating backwards. Its own migration: on
PostgreSQL, rows changed in a transaction block a later ALTER TABLE of the same table."""

from typing import Any

from django.db import migrations
from django.db.models import F


def copy_links_to_targets(apps: Any, schema_editor: Any) -> None:
    report = apps.get_model("safeguarding", "Report")
    report.objects.filter(conversation__isnull=False).update(
        target_kind="conversation", target_id=F("conversation_id"), item_id=F("message_id")
    )


def copy_targets_to_links(apps: Any, schema_editor: Any) -> None:
    report = apps.get_model("safeguarding", "Report")
    report.objects.filter(target_kind="conversation").update(
        conversation_id=F("target_id"), message_id=F("item_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0002_report_target_fields"),
    ]

    operations = [
        migrations.RunPython(copy_links_to_targets, copy_targets_to_links),
    ]
