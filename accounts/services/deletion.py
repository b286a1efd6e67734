"""Deleting an account: the person's data goes, what others need of it stays anonymous.

The row is anonymised rather than deleted. Messages (kept for the retention period, for
safeguarding), reports and other people's bookings point at it; deleting it would mean
either losing those (CASCADE), refusing (chat's messages PROTECT their author), or SET_NULL on
every such foreign key, with every reader then handling an author of None. An anonymised row
keeps every foreign key valid, and `accounts.payloads.author_payload` names it "Deleted user".
Once retention has removed all that pointed at it, `deleted_accounts_purge` drops the row.
"""

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.privacy import DELETED_USERNAME_PREFIX, erasure_steps, user_is_deleted
from core.errors import ServiceError

# Stored as the display name for what renders it directly (e-mails, staff pages); payloads
# say it in the reader's language instead (accounts.payloads).
DELETED_DISPLAY_NAME = "Deleted user"


class AccountDeletionError(ServiceError):
    """A refused deletion: `bad_request` (field `password`)."""


def account_delete(*, user: User, password: str) -> None:
    """Delete `user`'s account, confirmed with their password.

    In one transaction: every registered erasure step runs (their profile, saved items and
    contact requests go; future bookings are cancelled as a cancellation by them would be,
    their rooms end), then the account is anonymised: a neutral unique username, no name,
    e-mail, birth year or password, default preferences, inactive (which closes their live
    connections), API tokens deleted. Sessions stop working (the password hash they were
    signed with is gone, and the account is inactive). Their messages stay, shown as "Deleted
    user", until the retention period removes them.

    Raises AccountDeletionError(`bad_request`, field `password`) for a wrong or empty
    password, or an account already deleted; nothing changes then.
    """
    if not password or user_is_deleted(user) or not user.check_password(password):
        raise AccountDeletionError("bad_request", _("This is not your password."), field="password")
    with transaction.atomic():
        for _name, step in erasure_steps():
            step(user)
        Token.objects.filter(user=user).delete()
        _anonymise(user)


def _anonymise(user: User) -> None:
    user.username = f"{DELETED_USERNAME_PREFIX}{uuid.uuid4().hex}"
    user.display_name = DELETED_DISPLAY_NAME
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.birth_year = None
    user.verified = False
    user.preferred_language = settings.LANGUAGE_CODE
    user.time_zone = settings.TIME_ZONE
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save(
        update_fields=[
            "username",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "birth_year",
            "verified",
            "preferred_language",
            "time_zone",
            "is_active",
            "is_staff",
            "is_superuser",
            "last_login",
            "password",
        ]
    )
    user.groups.clear()
    user.user_permissions.clear()


def deleted_accounts_purge() -> int:
    """Delete the rows of deleted accounts that nothing keeps any more (their last message
    gone with retention, no report of theirs left). Returns how many went.

    Accounts cannot see what points at a row: the apps above protect what they keep
    (PROTECT foreign keys), so a row still needed refuses and stays for the next run.
    """
    purged = 0
    ids = list(
        User.objects.filter(
            username__startswith=DELETED_USERNAME_PREFIX, is_active=False
        ).values_list("pk", flat=True)
    )
    for user_id in ids:
        try:
            with transaction.atomic():
                User.objects.filter(pk=user_id).delete()
        except (ProtectedError, IntegrityError):
            continue
        purged += 1
    return purged
