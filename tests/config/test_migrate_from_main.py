"""A database made by the code before the layers issue (main at f064e1e, 7 Dec 2026), with a row
in every table of the project's apps, migrates to today's schema with nothing lost.

The rows are written through the historical models of that schema (the migration state), so
this test does not depend on today's models. Every table is read back by SQL before and after:
each row must still be there with the same values, except the columns that issue 17 moved on
purpose, whose values must be found at their new place.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The migration leaves of the project's apps on main before the layers issue.
MAIN_BEFORE_LAYERS = [
    ("profiles", "0006_profile_search_entry"),
    ("realtime", "0001_initial"),
    ("chat", "0002_revisions"),
    ("rooms", "0002_invite_dismissed_at"),
    ("scheduling", "0002_postgres_exclusion_constraints"),
    ("safeguarding", "0001_initial"),
]
PROJECT_APPS = {app for app, _name in MAIN_BEFORE_LAYERS}

# Columns that issue 17 removed on purpose: where their value lives now is checked below.
MOVED_COLUMNS = {
    ("rooms_room", "slot_id"),
    ("scheduling_slot", "room_ref"),
    ("safeguarding_report", "conversation_id"),
    ("safeguarding_report", "message_id"),
}


# Values the generic filler cannot guess: the schema's check constraints ask for these.
OVERRIDES: dict[tuple[str, str], Any] = {
    ("rooms.Room", "capacity"): 4,
    ("scheduling.AvailabilityWindow", "slot_minutes"): 30,
}


def _leaf_targets(executor: MigrationExecutor) -> list[tuple[str, str]]:
    leaves: list[tuple[str, str]] = executor.loader.graph.leaf_nodes()
    return leaves


def _value_for(field: models.Field[Any, Any], made: dict[str, Any], now: dt.datetime) -> Any:
    """A valid value for `field`, from its choices, default or type."""
    if (field.model._meta.label, field.name) in OVERRIDES:
        return OVERRIDES[field.model._meta.label, field.name]
    if field.null:
        return None  # a state field (ended_at, cancelled_at, ...) that check constraints tie
    if field.choices:
        return field.choices[0][0]
    if field.has_default():
        return field.get_default()
    name = field.name
    later = any(word in name for word in ("end", "expires", "until", "to"))
    if isinstance(field, models.DateTimeField):
        return now + dt.timedelta(hours=3 if later else 2)
    if isinstance(field, models.DateField):
        return (now + dt.timedelta(days=2 if later else 1)).date()
    if isinstance(field, models.TimeField):
        return dt.time(11 if later else 10, 0)
    if isinstance(field, models.DurationField):
        return dt.timedelta(minutes=30)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.IntegerField, models.FloatField, models.DecimalField)):
        return 1
    if isinstance(field, models.JSONField):
        return []
    if isinstance(field, models.EmailField):
        return "someone@example.org"
    if isinstance(field, models.URLField):
        return "https://example.org/"
    if isinstance(field, (models.CharField, models.TextField)):
        limit = field.max_length or 40
        return f"{field.model._meta.model_name}-{name}"[:limit]
    raise AssertionError(f"no test value for {field!r}")


def _in_dependency_order(apps: Apps) -> list[type[models.Model]]:
    project_models = [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model], path: tuple[str, ...]) -> None:
        if model in ordered or model._meta.label in path:
            return
        for field in model._meta.concrete_fields:
            target = field.related_model
            if (
                field.is_relation
                and not field.null
                and target is not None
                and target != model
                and target._meta.app_label in PROJECT_APPS
            ):
                visit(target, (*path, model._meta.label))
        ordered.append(model)

    for model in project_models:
        visit(model, ())
    return ordered


def _fill_every_table(apps: Apps) -> None:
    """One row (two users, a student and a professional) in every table, every nullable
    relation set where its target exists, so that a column dropped by mistake would lose data."""
    now = timezone.now().replace(microsecond=0)
    made: dict[str, Any] = {}
    user_model = apps.get_model("profiles", "User")
    for username, role in (("old-student", "student"), ("old-pro", "professional")):
        made[f"user:{role}"] = user_model.objects.create(
            username=username, role=role, display_name=username, verified=True
        )
    made[user_model._meta.label] = made["user:professional"]
    group = apps.get_model("auth", "Group").objects.create(name="old-group")
    made["user:professional"].groups.add(group)
    permission = apps.get_model("auth", "Permission").objects.order_by("pk").first()
    assert permission is not None
    made["user:professional"].user_permissions.add(permission)
    for model in _in_dependency_order(apps):
        if model is user_model:
            continue
        values: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            if field.primary_key and not field.is_relation:
                continue
            if field.is_relation:
                target = field.related_model
                assert target is not None
                if target is user_model:
                    # The student side of a relation, when the model names one.
                    student = "student" in field.name or field.name in ("reporter", "author")
                    values[field.name] = made["user:student" if student else "user:professional"]
                elif target._meta.label in made:
                    values[field.name] = made[target._meta.label]
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            values[field.name] = _value_for(field, made, now)
        made[model._meta.label] = model._default_manager.create(**values)
    for model in _in_dependency_order(apps):
        instance = made[model._meta.label]
        later_links = {
            field.name: made[field.related_model._meta.label]
            for field in model._meta.concrete_fields
            if field.is_relation
            and field.related_model is not None
            and field.related_model._meta.label in made
            and getattr(instance, field.attname) is None
        }
        if later_links:
            model._default_manager.filter(pk=instance.pk).update(**later_links)
        for field in model._meta.many_to_many:
            target = field.related_model
            if target is not None and target._meta.label in made:
                getattr(instance, field.name).add(made[target._meta.label])


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    prefixes = tuple(f"{app}_" for app in PROJECT_APPS | {"gallery"})
    return sorted(name for name in names if name.startswith(prefixes))


def _snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of the project's tables, keyed by table and primary key (or the whole row)."""
    snapshot: dict[str, dict[Any, dict[str, Any]]] = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            snapshot[table] = {row.get("id", tuple(sorted(row.items()))): row for row in rows}
    return snapshot


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    migrations = MigrationExecutor(connection)
    yield migrations
    # Leave the database at today's schema for the tests that follow.
    migrations.loader.build_graph()
    migrations.migrate(_leaf_targets(migrations))


@pytest.mark.django_db(transaction=True)
def test_a_database_of_main_before_the_layers_migrates_with_nothing_lost(
    executor: MigrationExecutor,
) -> None:
    executor.migrate([*MAIN_BEFORE_LAYERS, ("gallery", None)])  # no gallery app then
    executor.loader.build_graph()
    old_apps = executor.loader.project_state(MAIN_BEFORE_LAYERS).apps
    _fill_every_table(old_apps)
    before = _snapshot()
    content_types = old_apps.get_model("contenttypes", "ContentType").objects
    witness_type = content_types.get(app_label="profiles", model="witnessprofile")
    empty = [table for table, rows in before.items() if not rows]
    assert not empty, f"the old schema has tables the test left empty: {empty}"

    executor.loader.build_graph()
    executor.migrate(_leaf_targets(executor))
    after = _snapshot()

    for table, rows in before.items():
        assert table in after, f"{table} was dropped"
        assert after[table].keys() == rows.keys(), f"rows of {table} lost or added"
        for key, row in rows.items():
            for column, value in row.items():
                if (table, column) in MOVED_COLUMNS:
                    continue
                assert column in after[table][key], f"{table}.{column} was dropped"
                assert after[table][key][column] == value, f"{table}.{column} changed"

    # The moved links are at their new place.
    room = next(iter(before["rooms_room"].values()))
    slot = next(iter(after["scheduling_slot"].values()))
    if room.get("slot_id") is not None:
        assert slot["room_id"] == room["id"]
    report_before = next(iter(before["safeguarding_report"].values()))
    report_after = after["safeguarding_report"][report_before["id"]]
    assert report_after["target_kind"] == "conversation"
    assert str(report_after["target_id"]) == str(report_before["conversation_id"])
    assert str(report_after["item_id"]) == str(report_before["message_id"])

    # The moved models' content types (and so their permissions) moved with them.
    from django.contrib.contenttypes.models import ContentType

    moved_type = ContentType.objects.get(pk=witness_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("gallery", "witnessprofile")

    # Today's models read what the old code wrote.
    from gallery.models import WitnessProfile

    profile = WitnessProfile.objects.select_related("user", "sector").get()
    assert profile.user.username == "old-pro"
    assert profile.skills.count() == 1 and profile.interests.count() == 1
