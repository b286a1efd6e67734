"""Celery tasks of chat: load by id, call one service."""

from celery import shared_task

from chat.retention import retention_run


@shared_task
def purge_expired_messages() -> dict[str, int]:
    """Beat's daily retention job (chat/celery_schedule.py)."""
    run = retention_run()
    return {"messages_deleted": run.messages_deleted, "accounts_purged": run.accounts_purged}
