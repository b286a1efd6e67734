"""Reports made when they held foreign keys into chat keep their link as a target (kind and id),
migrating forwards, and get their foreign keys back migrating backwards."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_TARGETS = ("safeguarding", "0001_initial")


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    leaves: list[tuple[str, str]] = executor.loader.graph.leaf_nodes()
    return leaves


def _with_old_reports(executor: MigrationExecutor) -> list[tuple[str, str]]:
    """Every app at its latest migration except safeguarding, at its first."""
    return [
        BEFORE_TARGETS if app == "safeguarding" else (app, name) for app, name in _leaves(executor)
    ]


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    migrations = MigrationExecutor(connection)
    yield migrations
    # Leave the database at today's schema for the tests that follow.
    migrations.loader.build_graph()
    migrations.migrate(_leaves(migrations))


def _old_reports(apps: Any) -> tuple[Any, Any, Any]:
    """Two reports written by the old models: one on a whole conversation, one on a message
    of another."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    conversation_model = apps.get_model("chat", "Conversation")
    message_model = apps.get_model("chat", "Message")
    report_model = apps.get_model("safeguarding", "Report")
    reporter = user_model.objects.create(username="old-reporter", role="student")
    first = conversation_model.objects.create(kind="dm", topic="dm:old-1")
    second = conversation_model.objects.create(kind="dm", topic="dm:old-2")
    message = message_model.objects.create(
        conversation=second,
        seq=1,
        author=reporter,
        body="a reported message",
        client_id="old",
        created_at=timezone.now(),
    )
    whole = report_model.objects.create(reporter=reporter, conversation=first, reason="spam")
    one = report_model.objects.create(
        reporter=reporter, conversation=second, message=message, reason="harassment"
    )
    return (whole.pk, first.pk), (one.pk, second.pk), message.pk


@pytest.mark.django_db(transaction=True)
def test_report_links_survive_the_move_to_targets_both_ways(executor: MigrationExecutor) -> None:
    old = _with_old_reports(executor)
    executor.migrate(old)
    executor.loader.build_graph()
    (whole, first), (one, second), message = _old_reports(executor.loader.project_state(old).apps)

    executor.loader.build_graph()
    executor.migrate(_leaves(executor))
    from safeguarding.models import Report  # today's model, on today's schema

    targets = {
        report.pk: (report.target_kind, report.target_id, report.item_id)
        for report in Report.objects.all()
    }
    assert targets == {
        whole: ("conversation", first, None),
        one: ("conversation", second, message),
    }

    executor.loader.build_graph()
    executor.migrate(old)
    executor.loader.build_graph()
    report_model = executor.loader.project_state(old).apps.get_model("safeguarding", "Report")
    links = {
        report.pk: (report.conversation_id, report.message_id)
        for report in report_model.objects.all()
    }
    assert links == {whole: (first, None), one: (second, message)}
