"""Chat's retention: messages are kept CHAT_RETENTION_DAYS (a year by default), then deleted.

Run daily by Celery beat (chat.tasks.purge_expired_messages, chat/celery_schedule.py) or by
hand (`manage.py purge_expired_messages`). A conversation under an open report keeps all its
messages until the report is closed: the moderator reads the reported message in its
conversation (chat.reports), so the context goes only with the report. Once a deleted
account has no message left, its anonymised row goes too (accounts.services.deletion).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.services.deletion import deleted_accounts_purge
from chat.access import CONVERSATION
from chat.models import Message
from safeguarding.models import Report, ReportStatus

# Rows deleted per statement: a year of a busy chat is never one huge transaction.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class RetentionRun:
    messages_deleted: int
    accounts_purged: int


def messages_expired_delete(*, now: dt.datetime | None = None) -> int:
    """Delete messages older than CHAT_RETENTION_DAYS, except in conversations with an open
    report (of the conversation or of one of its messages). Returns how many went. Safe to run
    at the same time as itself and as sending: it deletes only rows past the cut-off."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.CHAT_RETENTION_DAYS)
    held = Report.objects.filter(target_kind=CONVERSATION, status=ReportStatus.OPEN).values(
        "target_id"
    )
    expired = Message.objects.filter(created_at__lt=cutoff).exclude(conversation_id__in=held)
    deleted = 0
    while ids := list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]):
        count, _by_model = Message.objects.filter(pk__in=ids).delete()
        deleted += count
    return deleted


def retention_run(*, now: dt.datetime | None = None) -> RetentionRun:
    """The scheduled job: expired messages, then the deleted accounts nothing keeps any more."""
    messages = messages_expired_delete(now=now)
    return RetentionRun(messages_deleted=messages, accounts_purged=deleted_accounts_purge())
