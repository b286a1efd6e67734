"""The participants' forms: the join code, a student's wishes, the feedback on a meeting. They
check shapes; events.services enforce the rules (`add_service_error` puts a refusal on the
field it names)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.forms import ServiceErrorMixin
from events.models import COMMENT_MAX_LENGTH, MAX_WISHES
from gallery.models import Sector

CODE_MAX_LENGTH = 32  # generous: spaces and dashes typed in the code are dropped by the service
RANK_LABELS = (_("First choice"), _("Second choice"), _("Third choice"), _("Fourth choice"))


class JoinForm(ServiceErrorMixin, forms.Form):
    code = forms.CharField(
        label=_("Event code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("The code your teacher or the organiser gave you, e.g. K7QX4M2PLA."),
        error_messages={"required": _("Type the event's code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class WishesForm(ServiceErrorMixin, forms.Form):
    """Up to MAX_WISHES sectors, one select per rank; empty selects are skipped."""

    field_map = {"sectors": "__all__"}

    def __init__(self, *args: Any, sectors: list[Sector], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("No choice")), *((str(s.pk), s.label) for s in sectors)]
        for rank in range(1, MAX_WISHES + 1):
            self.fields[f"rank_{rank}"] = forms.TypedChoiceField(
                label=RANK_LABELS[rank - 1],
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        picked = self.sector_ids_of(cleaned)
        if len(set(picked)) != len(picked):
            raise forms.ValidationError(_("Pick each sector once."))
        return cleaned

    @staticmethod
    def sector_ids_of(cleaned: dict[str, Any]) -> list[int]:
        return [
            cleaned[f"rank_{rank}"]
            for rank in range(1, MAX_WISHES + 1)
            if cleaned.get(f"rank_{rank}") is not None
        ]

    @property
    def sector_ids(self) -> list[int]:
        return self.sector_ids_of(self.cleaned_data)


class FeedbackForm(ServiceErrorMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pick a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("A word about it"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = forms.BooleanField(label=_("I'd like to stay in contact"), required=False)
