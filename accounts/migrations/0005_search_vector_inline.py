from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# Prefix matching needs no word positions: strip() them, and keep the vector in the row
# (STORAGE MAIN) so a scan of many matches does not fetch it from TOAST row by row (measured:
# 65k buffer reads for 20,000 profiles).
FORWARD = [
    "DROP INDEX IF EXISTS profiles_witness_search_vector",
    "ALTER TABLE profiles_witnessprofile DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE profiles_witnessprofile ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, search_all))) STORED",
    "ALTER TABLE profiles_witnessprofile ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX profiles_witness_search_vector "
    "ON profiles_witnessprofile USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS profiles_witness_search_vector",
    "ALTER TABLE profiles_witnessprofile DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE profiles_witnessprofile ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_all)) STORED",
    "CREATE INDEX profiles_witness_search_vector "
    "ON profiles_witnessprofile USING gin (search_vector)",
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
    dependencies = [("profiles", "0004_search_vector_column")]

    operations = [migrations.RunPython(forward, backward)]
