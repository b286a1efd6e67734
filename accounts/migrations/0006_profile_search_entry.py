"""The search index moves out of the wide profile row into a narrow table of its own.

A word found in half the profiles made PostgreSQL read every matching profile row with its long
text to rank it (100-130 ms for 20,000 profiles). The narrow table keeps only what ranking
needs, its `visible` flag replaces the join with the user table, and the search reads it in
tiers (profiles/ranking.py).
"""

from collections import defaultdict
from typing import Any

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import F
from django.db.models.expressions import RawSQL

import gallery.lookups
from gallery.search import as_document

BATCH = 1000
OLD_COLUMNS = ("search_title", "search_tags", "search_body", "search_all", "search_facets")

# Visibility follows the owner's row whoever changes it (a service, the admin, a bulk update):
# a trigger, not the services, so no write path can leave a hidden profile searchable.
_VISIBLE = "(NEW.role = 'professional' AND NEW.verified AND NEW.is_active)"
_OWNED = "profile_id IN (SELECT id FROM profiles_witnessprofile WHERE user_id = NEW.id)"
SQLITE_FORWARD = [
    "CREATE TRIGGER profiles_search_visible AFTER UPDATE OF role, verified, is_active "
    "ON profiles_user FOR EACH ROW WHEN OLD.role IS NOT NEW.role "
    "OR OLD.verified IS NOT NEW.verified OR OLD.is_active IS NOT NEW.is_active "
    f"BEGIN UPDATE profiles_profilesearchentry SET visible = {_VISIBLE} WHERE {_OWNED}; END",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS profiles_search_visible"]
# Long vectors stay in the row (compressed if they must) rather than being fetched from TOAST
# row by row, as a scan of many matches did with migration 0004.
WORD_COLUMNS = ("terms", "title", "body")
POSTGRESQL_STORAGE = [
    f"ALTER TABLE profiles_profilesearchentry ALTER COLUMN {column} SET STORAGE MAIN"
    for column in WORD_COLUMNS
]
POSTGRESQL_FORWARD = [
    # Without fastupdate: rows written since the last vacuum would sit in the index's pending
    # list, which every search then scans (measured: 2-3 ms per query after a bulk load).
    *(
        f"CREATE INDEX profiles_search_{column} ON profiles_profilesearchentry "
        f"USING gin ({column}) WITH (fastupdate = off)"
        for column in WORD_COLUMNS
    ),
    "CREATE FUNCTION profiles_search_visible() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE profiles_profilesearchentry SET visible = {_VISIBLE} WHERE {_OWNED}; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER profiles_search_visible AFTER UPDATE OF role, verified, is_active "
    "ON profiles_user FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role "
    "OR OLD.verified IS DISTINCT FROM NEW.verified "
    "OR OLD.is_active IS DISTINCT FROM NEW.is_active) "
    "EXECUTE FUNCTION profiles_search_visible()",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS profiles_search_visible ON profiles_user",
    "DROP FUNCTION IF EXISTS profiles_search_visible()",
]
# The generated index column of migration 0005 goes before the text it is made from.
POSTGRESQL_DROP_0005 = [
    "DROP INDEX IF EXISTS profiles_witness_search_vector",
    "ALTER TABLE profiles_witnessprofile DROP COLUMN IF EXISTS search_vector",
]
POSTGRESQL_RESTORE_0005 = [
    "ALTER TABLE profiles_witnessprofile ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, search_all))) STORED",
    "ALTER TABLE profiles_witnessprofile ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX profiles_witness_search_vector "
    "ON profiles_witnessprofile USING gin (search_vector)",
]


def _execute(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def create_search_sql(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def drop_search_sql(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD})


def set_storage(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL_STORAGE})


def drop_search_vector(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL_DROP_0005})


def restore_search_vector(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _execute(schema_editor, {"postgresql": POSTGRESQL_RESTORE_0005})


def _term_codes(apps: Apps) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = defaultdict(list)
    profile_model = apps.get_model("profiles", "WitnessProfile")
    for relation, prefix, column in (
        ("skills", "k", "skill_id"),
        ("interests", "i", "interest_id"),
    ):
        through = getattr(profile_model, relation).through
        for profile_id, term_id in through.objects.values_list("witnessprofile_id", column):
            codes[profile_id].append(f"{prefix}{term_id}")
    return codes


def fill_entries(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Copy the search text the services already built into the new table."""
    profile_model = apps.get_model("profiles", "WitnessProfile")
    entry_model = apps.get_model("profiles", "ProfileSearchEntry")
    codes = _term_codes(apps)
    rows = profile_model.objects.values(
        "pk",
        "sector_id",
        "updated_at",
        "user__role",
        "user__verified",
        "user__is_active",
        *OLD_COLUMNS,
    ).order_by("pk")
    batch: list[Any] = []
    for row in rows.iterator(chunk_size=BATCH):
        terms = [f"s{row['sector_id']}", *codes[row["pk"]]]
        batch.append(
            entry_model(
                profile_id=row["pk"],
                visible=row["user__role"] == "professional"
                and row["user__verified"]
                and row["user__is_active"],
                updated_at=row["updated_at"],
                facets=row["search_facets"],
                terms=f" {' '.join(terms)} ",
                title=row["search_title"],
                body=row["search_body"],
            )
        )
        if len(batch) == BATCH:
            entry_model.objects.bulk_create(batch)
            batch = []
    entry_model.objects.bulk_create(batch)


def _plain_words(column: str, vendor: str) -> Any:
    """A word column as space-separated words: PostgreSQL gives a tsvector's distinct words
    back, which is all that prefix matching reads."""
    if vendor == "postgresql":
        return RawSQL(f"array_to_string(tsvector_to_array({column}), ' ')", ())
    return F(column)


def restore_columns(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Fill the text columns of 0002-0005 again, the labels from the taxonomy."""
    vendor = schema_editor.connection.vendor
    profile_model = apps.get_model("profiles", "WitnessProfile")
    entry_model = apps.get_model("profiles", "ProfileSearchEntry")
    labels = {
        f"{prefix}{term.pk}": [term.label_fr, term.label_nl, term.label_en, term.keywords]
        for prefix, name in (("s", "Sector"), ("k", "Skill"), ("i", "Interest"))
        for term in apps.get_model("profiles", name).objects.all()
    }
    codes = _term_codes(apps)
    rows = entry_model.objects.annotate(
        title_words=_plain_words("title", vendor), body_words=_plain_words("body", vendor)
    ).values_list("profile_id", "profile__sector_id", "title_words", "body_words", "facets")
    for profile_id, sector_id, title_words, body_words, facets in rows.iterator(BATCH):
        title, body = as_document([title_words]), as_document([body_words])
        terms = [f"s{sector_id}", *codes[profile_id]]
        tags = as_document([text for code in terms for text in labels.get(code, [])])
        profile_model.objects.filter(pk=profile_id).update(
            search_title=title,
            search_tags=tags,
            search_body=body,
            search_all=f"{title}{tags}{body}",
            search_facets=facets,
        )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0005_search_vector_inline")]

    operations = [
        migrations.CreateModel(
            name="ProfileSearchEntry",
            fields=[
                (
                    "profile",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="profiles.witnessprofile",
                    ),
                ),
                ("visible", models.BooleanField(default=False)),
                ("updated_at", models.DateTimeField()),
                ("facets", models.TextField()),
                ("terms", gallery.lookups.SearchWordsField()),
                ("title", gallery.lookups.SearchWordsField()),
                ("body", gallery.lookups.SearchWordsField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("visible", True)),
                        fields=["-updated_at", "-profile"],
                        name="profiles_search_recent",
                    )
                ],
            },
        ),
        migrations.RunPython(set_storage, migrations.RunPython.noop),
        migrations.RunPython(fill_entries, migrations.RunPython.noop),
        migrations.RunPython(drop_search_vector, restore_search_vector),
        migrations.RunPython(migrations.RunPython.noop, restore_columns),
        *(migrations.RemoveField(model_name="witnessprofile", name=name) for name in OLD_COLUMNS),
        # Last: SQLite rebuilds a table to drop a column, and the trigger names these tables.
        migrations.RunPython(create_search_sql, drop_search_sql),
    ]
