from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# PostgreSQL only: the database itself refuses a student two overlapping confirmed bookings and
# a professional two overlapping live slots, whatever the application does. SQLite has no
# exclusion constraints; there the services' checks run one writer at a time.
CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE scheduling_booking ADD CONSTRAINT booking_student_no_overlap "
    "EXCLUDE USING gist (student_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    "WHERE (status = 'confirmed')",
    "ALTER TABLE scheduling_slot ADD CONSTRAINT slot_professional_no_overlap "
    "EXCLUDE USING gist (professional_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    "WHERE (status <> 'withdrawn')",
]
DROP_SQL = [
    "ALTER TABLE scheduling_slot DROP CONSTRAINT IF EXISTS slot_professional_no_overlap",
    "ALTER TABLE scheduling_booking DROP CONSTRAINT IF EXISTS booking_student_no_overlap",
]


def create_exclusion_constraints(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_SQL:
            schema_editor.execute(statement)


def drop_exclusion_constraints(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        migrations.RunPython(create_exclusion_constraints, drop_exclusion_constraints),
    ]
