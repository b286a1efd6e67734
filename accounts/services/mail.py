"""Account e-mails: rendered in the recipient's language, sent after the transaction commits."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User

logger = logging.getLogger(__name__)


def account_email(*, user: User, to: str, template: str, context: dict[str, Any]) -> EmailMessage:
    """The message `accounts/email/<template>.txt` (and `<template>_subject.txt`) to `to`, in
    `user`'s preferred language."""
    context = {**context, "user": user}
    with translation.override(user.preferred_language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}.txt", context)
    return EmailMessage(
        # A header is one line.
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Content-Language": user.preferred_language},
    )


def send_after_commit(message: EmailMessage) -> None:
    """Send once the data the message speaks of is stored (nothing if the transaction rolls
    back). A mail server that is away must not undo the change: failures are logged."""

    def send() -> None:
        try:
            message.send()
        except Exception:
            logger.exception("sending the account e-mail %r failed", message.subject)

    transaction.on_commit(send)
