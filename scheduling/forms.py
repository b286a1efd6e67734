"""Forms of the scheduling pages. They check shapes; scheduling.services enforces the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scheduling.errors import SchedulingError
from scheduling.models import (
    MAX_CAPACITY,
    MAX_HORIZON_DAYS,
    MAX_NOTE_LENGTH,
    MAX_NOTICE_MINUTES,
    Mode,
    Weekday,
)

SLOT_LENGTHS = [
    (15, _("15 minutes")),
    (20, _("20 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
]


class ServiceErrorsMixin:
    """Attach a service's error to the field it names (or to the whole form)."""

    def add_service_error(
        self, error: SchedulingError, *, field_map: dict[str, str] | None = None
    ) -> None:
        assert isinstance(self, forms.Form)  # noqa: S101  (mixed into forms only)
        name = (field_map or {}).get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": 300, **(attrs or {})}, format="%H:%M")


class BookingRulesForm(ServiceErrorsMixin, forms.Form):
    min_notice_hours = forms.IntegerField(
        label=_("Minimum notice (hours)"),
        min_value=0,
        max_value=MAX_NOTICE_MINUTES // 60,
        help_text=_("Students cannot book a slot that starts sooner than this."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    horizon_days = forms.IntegerField(
        label=_("Booking horizon (days)"),
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
        help_text=_("How far ahead students may book."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class WindowFieldsMixin(forms.Form):
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())
    slot_minutes = forms.TypedChoiceField(
        label=_("Length of a slot"), choices=SLOT_LENGTHS, coerce=int, initial=30
    )
    capacity = forms.IntegerField(
        label=_("Students per slot"),
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=1,
        help_text=_("1 for a one-to-one meeting, more for a small group."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    mode = forms.ChoiceField(
        label=_("Where"),
        choices=Mode.choices,
        initial=Mode.IN_PERSON,
        widget=forms.RadioSelect(attrs={"class": "choice__input"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Needed for in-person meetings: where students meet you."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


class WeeklyWindowForm(ServiceErrorsMixin, WindowFieldsMixin):
    weekday = forms.TypedChoiceField(label=_("Every"), choices=Weekday.choices, coerce=int)
    start_date = forms.DateField(
        label=_("Starting on"),
        required=False,
        help_text=_("Leave empty to start today."),
        widget=DateInput(),
    )
    end_date = forms.DateField(
        label=_("Until"),
        required=False,
        help_text=_("Leave empty to keep it going."),
        widget=DateInput(),
    )
    field_order = ["weekday", "start_time", "end_time", "start_date", "end_date"]


class OneOffWindowForm(ServiceErrorsMixin, WindowFieldsMixin):
    date = forms.DateField(label=_("Day"), widget=DateInput())
    field_order = ["date", "start_time", "end_time"]


class BlockedDateForm(ServiceErrorsMixin, forms.Form):
    date = forms.DateField(label=_("Day off"), widget=DateInput())
    note = forms.CharField(
        label=_("Note for yourself"),
        max_length=120,
        required=False,
        help_text=_("Only you see it."),
    )


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel?"),
        max_length=500,
        help_text=_("The other person reads it. Be kind and short."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class BookingNoteForm(ServiceErrorsMixin, forms.Form):
    """The student's note at booking. Optional, except before a first in-person one-to-one
    meeting (`introduce`): then the student must say who they are and what they would like."""

    note = forms.CharField(
        label=_("What would you like to ask or see?"),
        max_length=MAX_NOTE_LENGTH,
        required=False,
        help_text=_(
            "A question, a task you would like to watch, what makes you curious: it helps the "
            "professional prepare. Only they read it."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, introduce: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if introduce:
            field = self.fields["note"]
            field.required = True
            field.help_text = _(
                "Your first name, your school year, and what you would like to ask or see. "
                "Only the professional reads it."
            )
            field.error_messages["required"] = _(
                "Introduce yourself before a first meeting in person."
            )
