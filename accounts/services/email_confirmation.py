"""Confirming an e-mail address: a signed link naming the account and the address.

The token signs the address itself, so a link sent for an address the user has since changed
no longer confirms anything.
"""

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.links import account_link
from accounts.services.mail import account_email, send_after_commit
from core.errors import ServiceError

SALT = "accounts.email-confirmation"
# Long enough for a student who reads their school mailbox once a week.
MAX_AGE_DAYS = 14


class EmailConfirmationError(ServiceError):
    """A confirmation link that is broken, expired, or for another address: `bad_request`."""


def email_confirmation_token(*, user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=SALT, compress=True)


def email_confirmation_send(*, user: User, site: str) -> bool:
    """E-mail `user` a link confirming their address (after commit). False when they have none
    or it is already confirmed."""
    if not user.email or user.email_verified_at is not None:
        return False
    link = account_link("email_confirm", email_confirmation_token(user=user), site=site)
    message = account_email(
        user=user,
        to=user.email,
        template="email_confirmation",
        context={"link": link, "days": MAX_AGE_DAYS},
    )
    send_after_commit(message)
    return True


def email_confirm(*, token: str) -> User:
    """Mark the address the token names as confirmed and return its owner.

    Raises EmailConfirmationError when the token is forged or older than MAX_AGE_DAYS, the
    account is gone or inactive, or its address is no longer the one the token names.
    Confirming twice is not an error.
    """
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS * 24 * 3600)
    except signing.SignatureExpired as exc:
        raise EmailConfirmationError(
            "bad_request", _("This link has expired. Ask for a new one in your settings.")
        ) from exc
    except signing.BadSignature as exc:
        raise EmailConfirmationError("bad_request", _("This link is not valid.")) from exc
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or not user.email or user.email != data.get("email"):
        raise EmailConfirmationError("bad_request", _("This link is not valid."))
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user
