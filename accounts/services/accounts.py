"""Writes on accounts: registration, the account's settings, the password."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import MIN_BIRTH_YEAR, SELF_SERVICE_ROLES, Role, User
from accounts.services.email_confirmation import email_confirmation_send

# Roles that must keep an address: professionals and staff are reached by e-mail.
EMAIL_REQUIRED_ROLES = (Role.PROFESSIONAL, Role.ORGANISER, Role.MODERATOR)

# Below this age nobody signs up alone; above the other bound a "student" is implausible.
STUDENT_MIN_AGE = 10
STUDENT_MAX_AGE = 30


def _birth_year_errors(*, role: str, birth_year: int | None) -> list[str]:
    this_year = timezone.localdate().year
    if birth_year is None:
        return [_("Students give their birth year.")] if role == Role.STUDENT else []
    if birth_year < MIN_BIRTH_YEAR or birth_year > this_year:
        return [_("Enter a real year of birth.")]
    if role == Role.STUDENT and not (STUDENT_MIN_AGE <= this_year - birth_year <= STUDENT_MAX_AGE):
        return [
            _("Students on Backstage are between %(low)d and %(high)d years old.")
            % {"low": STUDENT_MIN_AGE, "high": STUDENT_MAX_AGE}
        ]
    return []


def normalise_email(email: str) -> str:
    """The address as stored: trimmed, domain in lower case (the local part is the mailbox
    owner's business)."""
    return User.objects.normalize_email(email.strip())


def _email_errors(email: str) -> list[str]:
    if not email:
        return []
    try:
        validate_email(email)
    except ValidationError:
        return [_("Enter a valid e-mail address.")]
    if len(email) > User._meta.get_field("email").max_length:  # type: ignore[operator]
        return [_("This e-mail address is too long.")]
    return []


@transaction.atomic
def user_register(
    *,
    username: str,
    password: str,
    role: str,
    display_name: str,
    birth_year: int | None = None,
    preferred_language: str | None = None,
    email: str = "",
    site: str = "",
) -> User:
    """Create a student or professional account.

    Professionals start unverified. With an `email` (not unique: students may share a school
    or parent address), a confirmation link is e-mailed after commit, built on `site`.

    Raises ValidationError (with a dict of field errors) when the username is taken, the role
    may not self-register, the password is weak, the e-mail address is malformed, or the
    birth year does not fit the role. Nothing is written in that case.
    """
    errors: dict[str, list[str]] = {}
    if role not in SELF_SERVICE_ROLES:
        errors["role"] = [_("Choose student or professional.")]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is already taken.")]
    if year_errors := _birth_year_errors(role=role, birth_year=birth_year):
        errors["birth_year"] = year_errors
    email = normalise_email(email)
    if email_errors := _email_errors(email):
        errors["email"] = email_errors
    candidate = User(username=username, display_name=display_name, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)

    user = User(
        username=username,
        display_name=display_name.strip(),
        role=role,
        birth_year=birth_year,
        email=email,
        verified=False,
    )
    if preferred_language:
        user.preferred_language = preferred_language
    user.set_password(password)
    user.full_clean()
    user.save()
    if email and site:
        email_confirmation_send(user=user, site=site)
    return user


def user_set_preferences(
    *, user: User, preferred_language: str | None = None, time_zone: str | None = None
) -> User:
    """Store the language and time zone the interface uses for this user."""
    fields = []
    if preferred_language is not None:
        user.preferred_language = preferred_language
        fields.append("preferred_language")
    if time_zone is not None:
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.full_clean(exclude=["password"])
        user.save(update_fields=fields)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    site: str,
    display_name: str | None = None,
    email: str | None = None,
    preferred_language: str | None = None,
    time_zone: str | None = None,
) -> User:
    """Change the account's settings; None leaves a field as it is.

    A new e-mail address is unconfirmed until its owner follows the link e-mailed to it (after
    commit, built on `site`). Professionals and staff cannot remove their address. Raises
    ValidationError (a dict of field errors) and changes nothing when any field is refused.
    """
    errors: dict[str, list[str]] = {}
    changes: dict[str, object] = {}
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name:
            errors["display_name"] = [_("Enter the name other people see.")]
        changes["display_name"] = display_name
    if email is not None:
        email = normalise_email(email)
        if email_errors := _email_errors(email):
            errors["email"] = email_errors
        elif not email and user.role in EMAIL_REQUIRED_ROLES:
            errors["email"] = [_("Your role needs an e-mail address.")]
        if email != user.email:
            changes["email"] = email
            changes["email_verified_at"] = None
    if preferred_language is not None:
        changes["preferred_language"] = preferred_language
    if time_zone is not None:
        changes["time_zone"] = time_zone
    if errors:
        raise ValidationError(errors)
    if not changes:
        return user
    original = {field: getattr(user, field) for field in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError:
        # The caller's instance must not keep values that were refused.
        for field, value in original.items():
            setattr(user, field, value)
        raise
    user.save(update_fields=list(changes))
    if "email" in changes:
        email_confirmation_send(user=user, site=site)
    return user


class PasswordChangeRefused(ValidationError):
    """`password_change` refused: a wrong old password or a weak new one."""


@transaction.atomic
def password_change(
    *, user: User, old_password: str, new_password: str, keep_token_key: str | None = None
) -> User:
    """Replace the password of a signed-in user who knows the old one.

    Every other session ends (Django checks each session against the password hash; the
    caller's own is kept by update_session_auth_hash in the view), and so does the account's
    API token unless it is `keep_token_key`, the one the caller used; realtime
    closes the live sockets. Raises PasswordChangeRefused (field errors) and changes nothing
    for a wrong old password or a weak new one.
    """
    if not user.check_password(old_password):
        raise PasswordChangeRefused({"old_password": [_("This is not your current password.")]})
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise PasswordChangeRefused({"new_password": list(exc.messages)}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).exclude(key=keep_token_key or "").delete()
    return user
