from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from gallery.data import taxonomy


def load_taxonomy(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    taxonomy.upsert_terms(
        apps.get_model("profiles", "Sector"),
        apps.get_model("profiles", "Skill"),
        apps.get_model("profiles", "Interest"),
    )


# On PostgreSQL the `word_prefix` lookup (profiles/lookups.py) is answered by this full-text
# index; SQLite scans with LIKE, which is fine at its scale. The expression must stay the same
# as the lookup's for the planner to use the index.
FULL_TEXT_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS profiles_witness_search_all_fts ON profiles_witnessprofile "
    "USING gin (to_tsvector('simple'::regconfig, search_all))"
)


def create_full_text_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FULL_TEXT_INDEX_SQL)


def drop_full_text_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS profiles_witness_search_all_fts")


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_witness_profiles")]

    operations = [
        migrations.RunPython(load_taxonomy, migrations.RunPython.noop),
        migrations.RunPython(create_full_text_index, drop_full_text_index),
    ]
