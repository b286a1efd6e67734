"""Forms of the shell pages. They check input shapes; profiles.services enforces the rules."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
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


class RegisterForm(forms.Form):
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

    def add_service_errors(self, error: ValidationError) -> None:
        """Attach the errors of `user_register` to the fields they name."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
