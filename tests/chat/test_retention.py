"""Chat retention: messages past CHAT_RETENTION_DAYS are deleted by beat's daily task, except
in conversations under an open report; a deleted account goes once its messages have."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.services.deletion import account_delete
from chat import services, tasks
from chat.models import Conversation, Message
from safeguarding.models import Report
from safeguarding.services import report_close, report_create
from tests.chat.conftest import open_conversation
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("unlimited_chat")


@pytest.fixture(autouse=True)
def _celery_eager(celery_eager: None) -> None:
    """Run the task in-process, as the embedded mode does, also with REDIS_URL set."""


def say(author: User, conversation: Conversation, body: str, *, days_ago: int = 0) -> Message:
    result = services.message_send(
        author=author, conversation=conversation, body=body, client_id=body
    )
    message = result.message
    if days_ago:
        Message.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    return message


def bodies(conversation: Conversation) -> list[str]:
    return list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("body", flat=True)
    )


def run_task() -> dict[str, int]:
    """What beat runs every day (the same task name as the schedule's entry)."""
    entry = settings.CELERY_BEAT_SCHEDULE["chat-purge-expired-messages"]
    assert entry["task"] == tasks.purge_expired_messages.name
    result: dict[str, int] = tasks.purge_expired_messages.delay().get()
    return result


def test_old_messages_go_recent_ones_and_reported_conversations_stay(
    student: User, professional: User
) -> None:
    assert settings.CHAT_RETENTION_DAYS == 365
    plain = open_conversation(student, professional, message="Hello")
    Message.objects.filter(conversation=plain, seq=1).update(
        created_at=timezone.now() - dt.timedelta(days=500)
    )
    say(professional, plain, "old answer", days_ago=400)
    say(student, plain, "almost a year", days_ago=364)
    say(student, plain, "today")

    other_pro = UserFactory.create(role="professional", verified=True)
    reported = open_conversation(student, other_pro, message="Hi there")
    Message.objects.filter(conversation=reported).update(
        created_at=timezone.now() - dt.timedelta(days=800)
    )
    bad = say(other_pro, reported, "reported words", days_ago=400)
    report_create(
        reporter=student,
        target_kind="conversation",
        target_id=reported.pk,
        item_id=bad.pk,
        reason="harassment",
    )

    assert run_task() == {"messages_deleted": 2, "accounts_purged": 0}
    assert bodies(plain) == ["almost a year", "today"]
    # The reported message is kept, with its conversation around it for the moderator.
    assert bodies(reported) == ["Hi there", "reported words"]


def test_a_closed_report_no_longer_holds_its_conversation(
    student: User, professional: User
) -> None:
    moderator = UserFactory.create(role="moderator")
    conversation = open_conversation(student, professional, message="Hello")
    old = say(professional, conversation, "old words", days_ago=400)
    report = report_create(
        reporter=student,
        target_kind="conversation",
        target_id=conversation.pk,
        item_id=None,
        reason="other",
    )
    run_task()
    assert Message.objects.filter(pk=old.pk).exists()

    report_close(moderator=moderator, report_id=report.pk, resolution="Nothing wrong")
    run_task()
    assert not Message.objects.filter(pk=old.pk).exists()
    assert Report.objects.filter(pk=report.pk).exists()  # the report itself stays


def test_the_retention_period_is_a_setting(
    settings: Any, student: User, professional: User
) -> None:
    settings.CHAT_RETENTION_DAYS = 30
    conversation = open_conversation(student, professional, message="Hello")
    say(student, conversation, "a month ago", days_ago=31)
    say(student, conversation, "last week", days_ago=7)
    run_task()
    assert bodies(conversation) == ["Hello", "last week"]


def test_the_management_command_runs_the_same_job(student: User, professional: User) -> None:
    conversation = open_conversation(student, professional, message="Hello")
    say(student, conversation, "ancient", days_ago=1000)
    out = StringIO()
    call_command("purge_expired_messages", stdout=out)
    assert "Deleted 1 message(s)" in out.getvalue()
    assert bodies(conversation) == ["Hello"]


def test_a_deleted_account_goes_once_its_last_message_has(
    student: User, professional: User
) -> None:
    conversation = open_conversation(student, professional, message="Hello")
    say(student, conversation, "recent", days_ago=10)
    account_delete(user=student, password=DEFAULT_PASSWORD)

    # Its messages are still kept: the anonymised row stays for them.
    assert run_task()["accounts_purged"] == 0
    assert User.objects.filter(pk=student.pk).exists()

    Message.objects.filter(author=student).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    assert run_task() == {"messages_deleted": 2, "accounts_purged": 1}
    assert not User.objects.filter(pk=student.pk).exists()
    assert User.objects.filter(pk=professional.pk).exists()


def test_a_deleted_account_with_a_report_of_theirs_stays(student: User, professional: User) -> None:
    conversation = open_conversation(student, professional, message="Hello")
    report_create(
        reporter=student,
        target_kind="conversation",
        target_id=conversation.pk,
        item_id=None,
        reason="other",
    )
    account_delete(user=student, password=DEFAULT_PASSWORD)
    Message.objects.filter(author=student).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    # The open report holds the conversation, and the report holds the reporter's row.
    assert run_task() == {"messages_deleted": 0, "accounts_purged": 0}
    assert User.objects.filter(pk=student.pk).exists()
