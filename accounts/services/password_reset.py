"""Password reset by e-mail, with Django's token machinery (PasswordResetTokenGenerator).

A token is tied to the account's password hash and last login, so it works once and dies
with any password change; PASSWORD_RESET_TIMEOUT bounds its age.
"""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services.links import account_link
from accounts.services.mail import account_email, send_after_commit


def password_reset_sent_message() -> str:
    """What the requester is told, whether or not an account uses the address."""
    return _(
        "If an account uses this address, a link to choose a new password is on its way. "
        "Check the inbox, and the spam folder."
    )


def password_reset_request(*, email: str, site: str) -> int:
    """E-mail a reset link to every active account using `email` (several students may share
    a school or parent address). Returns how many went out; callers must not tell the
    requester, so that nobody learns which addresses have an account."""
    email = email.strip()
    if not email:
        return 0
    users = User.objects.filter(email__iexact=email, is_active=True).order_by("pk")
    sent = 0
    for user in users:
        if not user.has_usable_password():
            continue  # a deleted account, or one that never had a password
        uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        message = account_email(
            user=user,
            to=user.email,
            template="password_reset",
            context={
                "link": account_link("password_reset", uidb64, token, site=site),
                "hours": _timeout_hours(),
            },
        )
        send_after_commit(message)
        sent += 1
    return sent


def _timeout_hours() -> int:
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 3600)


@transaction.atomic
def password_reset_complete(*, user: User, new_password: str) -> User:
    """Set the new password of a user who proved they read their mailbox (the caller checked
    the token). Every session and API token of the account ends: sessions through their
    password hash (Django's session verification), tokens by deletion; realtime closes the
    live sockets on the password change.

    Raises ValidationError (field `new_password`) for a weak password; nothing changes then.
    """
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": list(exc.messages)}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()
    return user
