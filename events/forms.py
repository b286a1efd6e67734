"""The organiser's forms. They check shapes; events.services enforce the rules (a refusal of
the service lands on the field it names through `add_service_error`)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.errors import EventError
from events.models import (
    ANNOUNCEMENT_MAX_LENGTH,
    MAX_BREAK_SECONDS,
    MAX_EXTEND_SECONDS,
    MAX_ROUND_SECONDS,
    MAX_ROUNDS,
    MAX_STUDENTS_PER_TABLE,
    MIN_ROUND_SECONDS,
    TITLE_MAX_LENGTH,
    VENUE_MAX_LENGTH,
    EventMode,
    ParticipantRole,
)

# A participants file is a few thousand short lines at most.
MAX_IMPORT_BYTES = 512 * 1024
SEARCH_MAX_LENGTH = 80


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": 300, **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class ServiceErrorMixin:
    """Show a refusal of a service on the field it names (through `field_map` when the form
    names it differently), or above the form."""

    field_map: dict[str, str] = {}

    def add_service_error(self, error: EventError) -> None:
        assert isinstance(self, forms.Form)  # noqa: S101  (mixed into forms only)
        name = self.field_map.get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)


def _minutes(seconds: int) -> Decimal:
    return Decimal(seconds) / 60


class EventForm(ServiceErrorMixin, forms.Form):
    """Create an event, or edit it while it is a draft. Lengths are asked in minutes (what an
    organiser plans in), half minutes allowed; the services get seconds."""

    field_map = {"round_seconds": "round_minutes", "break_seconds": "break_minutes"}

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What participants will see, e.g. “Careers morning, year 5”."),
        error_messages={"required": _("Give the event a title.")},
    )
    starts_at = forms.DateTimeField(
        label=_("Start"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Say when the event starts.")},
    )
    mode = forms.ChoiceField(
        label=_("Format"),
        choices=EventMode.choices,
        initial=EventMode.IN_PERSON,
        widget=forms.RadioSelect,
    )
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=VENUE_MAX_LENGTH,
        help_text=_("Required in person: where the tables are, e.g. “Sports hall, building B”."),
    )
    rounds = forms.IntegerField(
        label=_("Rounds"),
        min_value=1,
        max_value=MAX_ROUNDS,
        initial=5,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Each student meets a different professional in each round."),
    )
    round_minutes = forms.DecimalField(
        label=_("Round length (minutes)"),
        min_value=_minutes(MIN_ROUND_SECONDS),
        max_value=_minutes(MAX_ROUND_SECONDS),
        decimal_places=1,
        max_digits=4,
        initial=8,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    break_minutes = forms.DecimalField(
        label=_("Break between rounds (minutes)"),
        min_value=Decimal(0),
        max_value=_minutes(MAX_BREAK_SECONDS),
        decimal_places=1,
        max_digits=4,
        initial=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        help_text=_("0 for no break: the next round starts at once."),
    )
    students_per_table = forms.IntegerField(
        label=_("Students per table"),
        min_value=1,
        max_value=MAX_STUDENTS_PER_TABLE,
        initial=3,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("1 for one-to-one meetings."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == EventMode.IN_PERSON and not (data.get("venue") or "").strip():
            self.add_error("venue", _("Say where the event takes place."))
        return data

    def service_values(self, *, starts_at: dt.datetime) -> dict[str, Any]:
        """The keyword arguments of event_create / event_update."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": starts_at,
            "mode": data["mode"],
            "venue": data["venue"] if data["mode"] == EventMode.IN_PERSON else "",
            "rounds": data["rounds"],
            "round_seconds": int(data["round_minutes"] * 60),
            "break_seconds": int(data["break_minutes"] * 60),
            "students_per_table": data["students_per_table"],
        }

    @staticmethod
    def initial_of(event: Any, zone: Any) -> dict[str, Any]:
        """The form's values for an existing event, its start in the organiser's zone."""
        return {
            "title": event.title,
            "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
            "mode": event.mode,
            "venue": event.venue,
            "rounds": event.rounds,
            "round_minutes": _minutes(event.round_seconds).normalize(),
            "break_minutes": _minutes(event.break_seconds).normalize(),
            "students_per_table": event.students_per_table,
        }


class ParticipantSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person by name or username"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
    )


class ParticipantAddForm(ServiceErrorMixin, forms.Form):
    field_map = {"user_id": "user"}

    user = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=ParticipantRole.choices)


class ParticipantImportForm(ServiceErrorMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One person per line: username,role (student or professional). "
            "A first line “username,role” is skipped."
        ),
        error_messages={"required": _("Choose a CSV file.")},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("This file is too large (512 KB at most)."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("This file is not text in UTF-8: save it as “CSV UTF-8” and try again.")
            ) from None


class ForbiddenPairForm(ServiceErrorMixin, forms.Form):
    """Two people of the event who must not meet; the choices are the event's participants."""

    field_map = {"professional_id": "professional", "student_id": "student"}

    professional = forms.TypedChoiceField(label=_("Professional"), coerce=int)
    student = forms.TypedChoiceField(label=_("Student"), coerce=int)

    def __init__(
        self,
        *args: Any,
        professionals: list[tuple[int, str]],
        students: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choose = [("", _("Choose…"))]
        self.fields["professional"].choices = choose + professionals  # type: ignore[attr-defined]
        self.fields["student"].choices = choose + students  # type: ignore[attr-defined]


class ExtendForm(ServiceErrorMixin, forms.Form):
    seconds = forms.IntegerField(min_value=1, max_value=MAX_EXTEND_SECONDS)


class AnnounceForm(ServiceErrorMixin, forms.Form):
    text = forms.CharField(
        label=_("Announcement to every participant"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown at once on every participant's page (500 characters at most)."),
        error_messages={"required": _("Write the announcement first.")},
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("Write the announcement first."))
        return text
