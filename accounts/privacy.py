"""A person's data, whichever app holds it: what they can take away, and what their deletion
removes.

Accounts sits below the apps that keep people's data (gallery, chat, safeguarding, rooms,
scheduling), so it cannot read their tables. Each of them registers, from its
`AppConfig.ready()` (in a small `<app>/privacy.py`):

- an export section (`register_export_section`): the part of `GET /api/me/export/` that app
  holds about the person, as JSON-ready data that names no other person;
- an erasure step (`register_erasure_step`): what the app removes, cancels or ends when the
  person deletes their account (`accounts.services.deletion.account_delete`).

A deleted account keeps its row (anonymised, see `deletion`): messages, reports and bookings
keep pointing at it, and every payload names it "Deleted user" (`accounts.payloads`).
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

# Registration refuses "~" in a username (letters, digits and @ . + - _ only), so nobody can
# sign up as a deleted account, and the placeholder is unique by its random part.
DELETED_USERNAME_PREFIX = "deleted~"

ExportSection = Callable[[User], Any]
ErasureStep = Callable[[User], None]

_SECTIONS: dict[str, ExportSection] = {}
_ERASURE_STEPS: dict[str, ErasureStep] = {}


def register_export_section(name: str, section: ExportSection) -> None:
    """Add `name` to the export: `section(user)` returns that user's data of one app (dicts,
    lists, strings, numbers, datetimes). Registering a name again replaces it."""
    _SECTIONS[name] = section


def register_erasure_step(name: str, step: ErasureStep) -> None:
    """Run `step(user)` when `user` deletes their account, inside the deletion's transaction
    and before the account itself is anonymised (the user is still active and themselves).
    A step that raises stops the deletion: nothing is deleted. Registering again replaces."""
    _ERASURE_STEPS[name] = step


def erasure_steps() -> list[tuple[str, ErasureStep]]:
    return list(_ERASURE_STEPS.items())


def user_is_deleted(user: User) -> bool:
    """Whether `user` is an account its owner deleted (its row kept for what points at it)."""
    return user.username.startswith(DELETED_USERNAME_PREFIX)


def deleted_user_name() -> str:
    """How people see a deleted account's name, in the active language."""
    return _("Deleted user")


def _account_section(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "verified": user.verified,
        "birth_year": user.birth_year,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _events_section(user: User) -> list[Any]:
    # Replaced at start-up by the events app's own section under this name
    # (events/plugins.py); this empty one keeps the key for clients while accounts stands alone.
    return []


register_export_section("account", _account_section)
register_export_section("events", _events_section)


def account_export(*, user: User) -> dict[str, Any]:
    """Everything Backstage keeps about `user` that is theirs, one key per registered section
    (`account`, `profile`, `messages`, `bookings`, `events`, `reports`, ...), with the time
    of the export. Nothing of another person but their ids."""
    data: dict[str, Any] = {"exported_at": timezone.now()}
    for name, section in _SECTIONS.items():
        data[name] = section(user)
    return data
