"""Profile photos, and the language a witness profile's texts are written in (filled from the
author's preferred language, which is what they most likely wrote in)."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def content_language_fill(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    WitnessProfile = apps.get_model("gallery", "WitnessProfile")
    for profile in WitnessProfile.objects.select_related("user").filter(content_language=""):
        profile.content_language = profile.user.preferred_language
        profile.save(update_fields=["content_language"])


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Plain SQL: SQLite would rebuild the table for a NOT NULL column, which fails on the
        # search triggers of 0001 that name it; a column default is harmless (Django always
        # writes the value).
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE profiles_witnessprofile "
                    "ADD COLUMN content_language varchar(8) NOT NULL DEFAULT ''",
                    "ALTER TABLE profiles_witnessprofile DROP COLUMN content_language",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="witnessprofile",
                    name="content_language",
                    field=models.CharField(
                        blank=True,
                        choices=[("fr", "French"), ("nl", "Dutch"), ("en", "English")],
                        max_length=8,
                    ),
                )
            ],
        ),
        migrations.RunPython(content_language_fill, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ProfilePhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=40, unique=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="profile_photo",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
