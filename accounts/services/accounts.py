"""Writes on accounts: registration and preferences."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MIN_BIRTH_YEAR, SELF_SERVICE_ROLES, Role, User

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


@transaction.atomic
def user_register(
    *,
    username: str,
    password: str,
    role: str,
    display_name: str,
    birth_year: int | None = None,
    preferred_language: str | None = None,
) -> User:
    """Create a student or professional account.

    Professionals start unverified. Raises ValidationError (with a dict of field errors) when
    the username is taken, the role may not self-register, the password is weak, or the birth
    year does not fit the role. Nothing is written in that case.
    """
    errors: dict[str, list[str]] = {}
    if role not in SELF_SERVICE_ROLES:
        errors["role"] = [_("Choose student or professional.")]
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is already taken.")]
    if year_errors := _birth_year_errors(role=role, birth_year=birth_year):
        errors["birth_year"] = year_errors
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
        verified=False,
    )
    if preferred_language:
        user.preferred_language = preferred_language
    user.set_password(password)
    user.full_clean()
    user.save()
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
