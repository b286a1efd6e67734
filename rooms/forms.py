"""The "new room" form. It checks shapes; `rooms.services.room_create` enforces the rules."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rooms.errors import RoomError
from rooms.media import MESH
from rooms.models import DESCRIPTION_MAX_LENGTH, MIN_CAPACITY, TITLE_MAX_LENGTH, Visibility


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": 300, **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class RoomForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What students will ask you about, e.g. “A day as a nurse in the ER”."),
        error_messages={"required": _("Give the room a title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: who it is for, what you will talk about."),
    )
    starts_at = forms.DateTimeField(
        label=_("Start"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to open the room now. People can come in 15 minutes early."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=MIN_CAPACITY,
        max_value=MESH.max_participants,
        initial=MESH.max_participants,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("How many people, you included. Video works well for up to 6 people."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can join"),
        choices=[
            (Visibility.PUBLIC, _("Everyone on Backstage")),
            (Visibility.INVITE, _("Only the people I invite")),
        ],
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    lobby = forms.BooleanField(
        label=_("Waiting room: I let each person in"),
        required=False,
    )

    def add_service_error(self, error: RoomError) -> None:
        """Show a refusal of the service on the field it names (or above the form)."""
        self.add_error(error.field if error.field in self.fields else None, error.message)

    @property
    def starts_at_value(self) -> dt.datetime | None:
        value: dt.datetime | None = self.cleaned_data.get("starts_at")
        return value
