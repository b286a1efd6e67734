from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# A stored tsvector instead of an index on the expression: when a common prefix made the planner
# prefer a sequential scan, the expression was recomputed from the long text of every row
# (seconds on 20,000 profiles). The Django model does not know this column; only the
# `word_prefix` lookup reads it, on PostgreSQL.
FORWARD = [
    "DROP INDEX IF EXISTS profiles_witness_search_all_fts",
    "ALTER TABLE profiles_witnessprofile ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_all)) STORED",
    "CREATE INDEX IF NOT EXISTS profiles_witness_search_vector "
    "ON profiles_witnessprofile USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS profiles_witness_search_vector",
    "ALTER TABLE profiles_witnessprofile DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS profiles_witness_search_all_fts ON profiles_witnessprofile "
    "USING gin (to_tsvector('simple'::regconfig, search_all))",
]


def forward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_taxonomy_and_search_index")]

    operations = [migrations.RunPython(forward, backward)]
