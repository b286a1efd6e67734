"""Forms of the shell pages. They check input shapes; profiles.services enforces the rules."""

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

ROLE_CHOICES = [
    (Role.STUDENT.value, _("I'm a student")),
    (Role.PROFESSIONAL.value, _("I'm a professional")),
]
ROLE_DESCRIPTIONS: dict[str, str | Promise] = {
    Role.STUDENT.value: _(
        "You're in secondary school and curious about jobs: discover professionals, ask them "
        "your questions, meet them."
    ),
    Role.PROFESSIONAL.value: _(
        "You work and want to show students what your job is really like. We check every "
        "professional before they meet students."
    ),
}


class ServiceErrorsForm(forms.Form):
    def add_service_errors(self, error: ValidationError) -> None:
        """Attach the errors of a service (a ValidationError) to the fields they name."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class RegisterForm(ServiceErrorsForm):
    role = forms.ChoiceField(
        label=_("Who are you?"), choices=ROLE_CHOICES, widget=forms.RadioSelect
    )
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        help_text=_("The name other people see, for example your first name."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    username = forms.CharField(
        label=_("Username"),
        min_length=3,
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("You use it to log in. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_(
            "Professionals: required. Students: optional, a school or parent address is fine. "
            "For confirmations, reminders and a forgotten password."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("Choose a password that only you know."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Students only. We only ask for the year, never your full date of birth."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django's own validators describe themselves; show their rules before the first try.
        self.password_rules = password_validation.password_validators_help_texts()

    def role_options(self) -> list[tuple[Any, str | Promise]]:
        """Each radio button of the role field with the explanation shown under it."""
        return [(radio, ROLE_DESCRIPTIONS[str(radio.data["value"])]) for radio in self["role"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Professionals are reached by e-mail (verification, bookings); students may not have
        # an address of their own.
        missing = data.get("role") == Role.PROFESSIONAL and not data.get("email")
        if missing and "email" not in self.errors:
            self.add_error("email", _("Professionals give an e-mail address."))
        return data


# --- the account's settings and passwords (frontend/account_views.py) ----------------------

# The regions of the IANA zones people live in; other zones (legacy aliases, Etc/...) are left
# out of the list but stay valid (accounts.models.validate_time_zone).
TIME_ZONE_REGIONS: dict[str, str | Promise] = {
    "Europe": _("Europe"),
    "Africa": _("Africa"),
    "America": _("America"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
    "Antarctica": _("Antarctica"),
}


def _zone_label(zone: str) -> str:
    # "America/Argentina/Buenos_Aires" -> "Argentina / Buenos Aires"
    return " / ".join(part.replace("_", " ") for part in zone.split("/")[1:])


def time_zone_choices(current: str = "") -> list[tuple[Any, Any]]:
    """Every zone of the known regions, grouped by region (Europe first), plus UTC and the
    user's current zone when it is none of those."""
    zones = zoneinfo.available_timezones()
    groups: list[tuple[Any, Any]] = []
    listed: set[str] = set()
    for region, label in TIME_ZONE_REGIONS.items():
        members = sorted(z for z in zones if z.startswith(region + "/"))
        listed.update(members)
        groups.append((label, [(zone, _zone_label(zone)) for zone in members]))
    others = ["UTC"] + ([current] if current and current not in listed | {"UTC"} else [])
    groups.append((_("Other"), [(zone, zone) for zone in others]))
    return groups


def language_choices() -> list[tuple[str, str]]:
    # Each language in its own name: someone lost in a foreign interface still finds theirs.
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class AccountForm(ServiceErrorsForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("The name other people see."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        help_text=_(
            "For confirmations, reminders and a forgotten password. Never shown to others."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Meeting times are shown in this time zone."),
    )

    def __init__(self, *args: Any, current_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(current_zone)  # type: ignore[attr-defined]


class PasswordChangeForm(ServiceErrorsForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.password_rules = password_validation.password_validators_help_texts()


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The address of your account. Several accounts may share it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's form (two fields that must match), with the rules shown before the first try."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.password_rules = password_validation.password_validators_help_texts()
        self.fields["new_password1"].help_text = ""
