"""Forms of the gallery pages. The API's serializers are the one set of rules: these forms only
render fields and hand what was posted to the serializer, then show its errors per field."""

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from rest_framework import serializers

from gallery.data.taxonomy import EMPLOYER_TYPES, PLACES, SPOKEN_LANGUAGES
from gallery.models import EmployerType, Interest, MeetingFormat, Sector, Skill, WitnessProfile
from gallery.presenters import language_name, place_label, terms_by_label
from gallery.selectors import ProfileFilters
from gallery.serializers import (
    MAX_CAREER_STEPS,
    ProfileSearchParams,
    StudentProfileSerializer,
    WitnessProfileWriteSerializer,
)

# --- Gallery search -----------------------------------------------------------------------------

SEARCH_KEYS = ("q", "sector", "skill", "interest", "language", "format", "page")
FILTER_KEYS = ("sector", "skill", "interest", "language", "format")
SEARCH_MAX_LENGTH: int = getattr(ProfileSearchParams().fields["q"], "max_length", None) or 200

UNKNOWN_VALUE: dict[str, str | Promise] = {
    "sector": _("“%(value)s” is not a sector we know."),
    "skill": _("“%(value)s” is not a skill we know."),
    "interest": _("“%(value)s” is not an interest we know."),
    "language": _("“%(value)s” is not a language we know."),
    "format": _("“%(value)s” is not a meeting format we know."),
    "page": _("“%(value)s” is not a page number."),
}


@dataclass(frozen=True)
class SearchRequest:
    """A gallery request checked by the API's ProfileSearchParams."""

    values: dict[str, str]  # the non-empty parameters as given, for the form and the links
    filters: ProfileFilters = field(default_factory=ProfileFilters)
    page: int = 1
    problems: list[str] = field(default_factory=list)

    @property
    def active_filters(self) -> dict[str, str]:
        return {key: value for key, value in self.values.items() if key in FILTER_KEYS}


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else f"{value[: limit - 1]}…"


def search_request_parse(query: QueryDict) -> SearchRequest:
    """Read the gallery's GET parameters; unknown values become problems, never a 500."""
    values = {key: query.get(key, "").strip() for key in SEARCH_KEYS}
    values = {key: value for key, value in values.items() if value}
    params = ProfileSearchParams(data=values)
    if not params.is_valid():
        problems = []
        for key in params.errors:
            if key == "q":
                problems.append(
                    gettext("Your search is too long: keep it under %(max)s characters.")
                    % {"max": SEARCH_MAX_LENGTH}
                )
            elif key in UNKNOWN_VALUE:
                problems.append(str(UNKNOWN_VALUE[key]) % {"value": _shorten(values[key])})
        return SearchRequest(values=values, problems=problems)
    data = params.validated_data
    filters = ProfileFilters(
        query=data["q"],
        sector=data["sector"].slug if "sector" in data else None,
        skill=data["skill"].slug if "skill" in data else None,
        interest=data["interest"].slug if "interest" in data else None,
        language=data.get("language"),
        meeting_format=data.get("format"),
    )
    return SearchRequest(values=values, filters=filters, page=data.get("page", 1))


def _term_choices(terms: Any, empty: str | Promise) -> list[tuple[str, str | Promise]]:
    return [("", empty), *((term.slug, term.label) for term in terms_by_label(terms))]


class GalleryFilterForm(forms.Form):
    """The search box and the filters. Unbound (initial values only): it never validates;
    search_request_parse does, with the API's rules."""

    q = forms.CharField(
        label=_("What are you curious about?"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. nurse, drawing, football…"),
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"] = forms.ChoiceField(
            label=_("Sector"),
            required=False,
            choices=_term_choices(Sector.objects.all(), _("All sectors")),
        )
        self.fields["skill"] = forms.ChoiceField(
            label=_("Skill"),
            required=False,
            choices=_term_choices(Skill.objects.all(), _("All skills")),
        )
        self.fields["interest"] = forms.ChoiceField(
            label=_("Interest"),
            required=False,
            choices=_term_choices(Interest.objects.all(), _("All interests")),
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language spoken"),
            required=False,
            choices=[
                ("", _("All languages")),
                *((code, language_name(code)) for code in SPOKEN_LANGUAGES),
            ],
        )
        self.fields["format"] = forms.ChoiceField(
            label=_("Meeting format"),
            required=False,
            choices=[("", _("All formats")), *MeetingFormat.choices],
        )

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in FILTER_KEYS]

    def choice_label(self, key: str, value: str) -> str:
        choices = dict(self.fields[key].choices)  # type: ignore[attr-defined]
        return str(choices.get(value, value))


# --- Forms checked by a serializer --------------------------------------------------------------

REQUIRED_CODES = frozenset({"required", "blank", "null"})


def _flatten(details: Any) -> list[Any]:
    """The messages of a DRF error, whatever its nesting ({index: [...]} for list items)."""
    if isinstance(details, dict):
        return [detail for value in details.values() for detail in _flatten(value)]
    if isinstance(details, list):
        return [detail for value in details for detail in _flatten(value)]
    return [details]


class SerializerForm(forms.Form):
    """Fields render the page; `serializer_class` (the API's) validates what was posted."""

    serializer_class: ClassVar[type[serializers.Serializer[Any]]]
    # Friendlier words than "This field is required." for the fields that must be filled in.
    required_messages: ClassVar[dict[str, str | Promise]] = {}

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def full_clean(self) -> None:
        self._errors = ErrorDict()
        self.cleaned_data = {}
        if not self.is_bound:
            return
        serializer = self.serializer_class(data=self.payload())
        if serializer.is_valid():
            self.cleaned_data = dict(serializer.validated_data)
            return
        for key, details in serializer.errors.items():
            self.add_serializer_errors(key, details)

    def messages_for(self, key: str, details: Any) -> list[str]:
        messages = []
        for detail in _flatten(details):
            code = getattr(detail, "code", "")
            if code in REQUIRED_CODES and key in self.required_messages:
                messages.append(str(self.required_messages[key]))
            else:
                messages.append(str(detail))
        return messages

    def add_serializer_errors(self, key: str, details: Any) -> None:
        target = key if key in self.fields else None
        self.add_error(target, self.messages_for(key, details))


def _max_length(serializer: serializers.Serializer[Any], name: str) -> int:
    length = getattr(serializer.fields[name], "max_length", None)
    assert isinstance(length, int)  # noqa: S101  (every text field of these serializers has one)
    return length


_WRITE = WitnessProfileWriteSerializer()
_STEP = _WRITE.fields["career_path"].child  # type: ignore[attr-defined]
CAREER_ROWS = 5  # empty rows offered, besides the filled ones
CAREER_ROW_LIMIT = 40  # rows read from a post (the serializer refuses more than 20 steps)
CAREER_PARTS = ("start_year", "end_year", "title", "place")
_CAREER_KEY = re.compile(r"^career_(\d+)_(?:start_year|end_year|title|place)$")


def _text(label: StrOrPromise, name: str, help_text: StrOrPromise = "", **attrs: Any) -> Any:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"maxlength": _max_length(_WRITE, name), **attrs}),
    )


def _area(label: StrOrPromise, name: str, help_text: StrOrPromise, rows: int) -> Any:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"maxlength": _max_length(_WRITE, name), "rows": rows}),
    )


def _chips(label: StrOrPromise, help_text: StrOrPromise = "") -> Any:
    return forms.MultipleChoiceField(
        label=label, required=False, help_text=help_text, widget=forms.CheckboxSelectMultiple
    )


class WitnessProfileForm(SerializerForm):
    """The professional's profile editor, checked by WitnessProfileWriteSerializer."""

    serializer_class = WitnessProfileWriteSerializer
    required_messages = {
        "job_title": _("Tell students what your job is called."),
        "sector": _("Choose the sector of your job."),
        # The parts of a career step.
        "start_year": _("Give the year this step started."),
        "title": _("Say what this step was: a job, studies or training."),
    }

    job_title = forms.CharField(
        label=_("Job title"),
        help_text=_("As you would say it to a student, for example “Paediatric nurse”."),
        widget=forms.TextInput(attrs={"maxlength": _max_length(_WRITE, "job_title")}),
    )
    hook = _text(
        _("Your hook"),
        "hook",
        _("One sentence that makes a student want to know more. It appears on your card."),
    )
    sector = forms.ChoiceField(label=_("Sector"))
    employer_type = forms.ChoiceField(label=_("Employer type"), required=False)
    skills = _chips(_("Skills your job needs"), _("Choose up to 12."))
    interests = _chips(
        _("Your interests"),
        _("What you like outside work: students who share them will find you more easily."),
    )
    typical_day = _area(
        _("A typical day"),
        "typical_day",
        _("What do you really do from morning to evening? The best and the hardest moments."),
        rows=8,
    )
    career_path = forms.Field(required=False, label=_("Career path"), widget=forms.HiddenInput)
    training = _area(
        _("Training and studies"),
        "training",
        _("Which studies or training led you here? Other routes are possible: say so."),
        rows=4,
    )
    languages = _chips(_("Languages you speak"))
    place = forms.ChoiceField(
        label=_("Where you work"),
        required=False,
        help_text=_("A Brussels commune or a nearby city."),
    )
    video_url = forms.CharField(
        label=_("Video link"),
        required=False,
        help_text=_(
            "A short video on YouTube or Vimeo. Students watch it without advertising cookies."
        ),
        widget=forms.URLInput(
            attrs={
                "maxlength": _max_length(_WRITE, "video_url"),
                "placeholder": "https://www.youtube.com/watch?v=…",
                "inputmode": "url",
            }
        ),
    )
    formats = _chips(_("How students can meet you"))
    content_language = forms.ChoiceField(
        label=_("Language of your texts"),
        required=False,
        choices=settings.LANGUAGES,
        help_text=_(
            "Readers using the site in another language see a marker, and screen readers "
            "pronounce your texts in this language."
        ),
    )

    def __init__(self, *args: Any, profile: WitnessProfile | None = None, **kwargs: Any) -> None:
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from_profile(profile)
        super().__init__(*args, **kwargs)
        self._career_rows_used: list[int] = []
        fields = self.fields
        fields["sector"].choices = _term_choices(  # type: ignore[attr-defined]
            Sector.objects.all(), _("Choose a sector")
        )
        fields["employer_type"].choices = [  # type: ignore[attr-defined]
            ("", _("I'd rather not say")),
            *((code, EmployerType(code).label) for code in EMPLOYER_TYPES),
        ]
        fields["skills"].choices = [  # type: ignore[attr-defined]
            (term.slug, term.label) for term in terms_by_label(Skill.objects.all())
        ]
        fields["interests"].choices = [  # type: ignore[attr-defined]
            (term.slug, term.label) for term in terms_by_label(Interest.objects.all())
        ]
        fields["languages"].choices = [  # type: ignore[attr-defined]
            (code, language_name(code)) for code in SPOKEN_LANGUAGES
        ]
        fields["place"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a place")),
            *((place, place_label(place)) for place in PLACES),
        ]
        fields["formats"].choices = MeetingFormat.choices  # type: ignore[attr-defined]
        self.career_rows = self._career_row_count()
        for row in range(self.career_rows):
            self._add_career_fields(row)
        # The steps' fields follow the career path, as on the page (and the error summary).
        names = list(self.fields)
        steps = [name for name in names if name.startswith("career_") and name != "career_path"]
        at = names.index("career_path") + 1
        order = [name for name in names[:at] if name not in steps] + steps
        order += [name for name in names[at:] if name not in steps]
        self.fields = {name: self.fields[name] for name in order}

    # Career path: rows of four fields, career_<row>_<part>.

    def _career_row_count(self) -> int:
        if self.is_bound:
            rows = [int(m.group(1)) for key in self.data if (m := _CAREER_KEY.match(key))]
            used = max(rows, default=-1) + 1
            return min(max(used, CAREER_ROWS), CAREER_ROW_LIMIT)
        filled = len(self.initial.get("career_path_steps", []))
        return min(max(filled + 1, CAREER_ROWS), MAX_CAREER_STEPS)

    def _add_career_fields(self, row: int) -> None:
        number = row + 1
        year_attrs = {"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"}
        labels = {
            "start_year": _("Step %(number)s: from (year)"),
            "end_year": _("Step %(number)s: to (year)"),
            "title": _("Step %(number)s: job, studies or training"),
            "place": _("Step %(number)s: where"),
        }
        for part in CAREER_PARTS:
            attrs: dict[str, Any] = dict(year_attrs) if part.endswith("year") else {}
            if part in ("title", "place"):
                attrs["maxlength"] = _max_length(_STEP, part)
            self.fields[f"career_{row}_{part}"] = forms.CharField(
                label=str(labels[part]) % {"number": number},
                required=False,
                widget=forms.TextInput(attrs=attrs),
            )

    def career_fields(self) -> list[dict[str, forms.BoundField]]:
        return [
            {part: self[f"career_{row}_{part}"] for part in CAREER_PARTS}
            for row in range(self.career_rows)
        ]

    def _career_payload(self) -> tuple[list[dict[str, Any]], list[int]]:
        steps, rows = [], []
        for row in range(self.career_rows):
            raw = {part: self.data.get(f"career_{row}_{part}", "").strip() for part in CAREER_PARTS}
            if not any(raw.values()):
                continue
            step: dict[str, Any] = {"title": raw["title"], "place": raw["place"]}
            step["end_year"] = raw["end_year"] or None
            if raw["start_year"]:
                step["start_year"] = raw["start_year"]
            steps.append(step)
            rows.append(row)
        return steps, rows

    def payload(self) -> dict[str, Any]:
        data = self.data
        steps, self._career_rows_used = self._career_payload()
        payload: dict[str, Any] = {
            key: data.get(key, "")
            for key in (
                "job_title",
                "hook",
                "employer_type",
                "typical_day",
                "training",
                "place",
                "video_url",
                "content_language",
            )
        }
        if data.get("sector"):
            payload["sector"] = data["sector"]
        for key in ("skills", "interests", "languages", "formats"):
            payload[key] = data.getlist(key) if isinstance(data, QueryDict) else data.get(key, [])
        payload["career_path"] = steps
        return payload

    def add_serializer_errors(self, key: str, details: Any) -> None:
        if key != "career_path":
            super().add_serializer_errors(key, details)
            return
        # Per step: {index: {part: [...]}} (or a list with one entry per step); for the whole
        # list: a list of messages.
        items = details.items() if isinstance(details, dict) else enumerate(details)
        for index, item in items:
            if not isinstance(item, dict):
                self.add_error("career_path", self.messages_for(key, item))
                continue
            row = self._career_rows_used[int(index)]
            for part, part_details in item.items():
                name = f"career_{row}_{part}"
                self.add_error(
                    name if name in self.fields else "career_path",
                    self.messages_for(part, part_details),
                )


def initial_from_profile(profile: WitnessProfile) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "job_title": profile.job_title,
        "hook": profile.hook,
        "sector": profile.sector.slug,
        "employer_type": profile.employer_type,
        "skills": [term.slug for term in profile.skills.all()],
        "interests": [term.slug for term in profile.interests.all()],
        "typical_day": profile.typical_day,
        "training": profile.training,
        "languages": list(profile.languages),
        "place": profile.place,
        "video_url": profile.video_url,
        "formats": list(profile.formats),
        "content_language": profile.content_language,
        "career_path_steps": list(profile.career_path),
    }
    for row, step in enumerate(profile.career_path):
        for part in CAREER_PARTS:
            value = step.get(part)
            initial[f"career_{row}_{part}"] = "" if value is None else str(value)
    return initial


# --- Student interests --------------------------------------------------------------------------

_STUDENT = StudentProfileSerializer()


class StudentInterestsForm(SerializerForm):
    """A student's interests, school and study track, checked by StudentProfileSerializer."""

    serializer_class = StudentProfileSerializer

    interests = _chips(
        _("Pick your interests"),
        _("Choose as many as you want: “Surprise me” uses them to pick professionals for you."),
    )
    school = forms.CharField(
        label=_("Your school (optional)"),
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": _max_length(_STUDENT, "school"), "autocomplete": "organization"}
        ),
    )
    study_track = forms.CharField(
        label=_("Your year and study track (optional)"),
        required=False,
        help_text=_("For example “4th year, sciences” or “technical, electricity”."),
        widget=forms.TextInput(attrs={"maxlength": _max_length(_STUDENT, "study_track")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interests"].choices = [  # type: ignore[attr-defined]
            (term.slug, term.label) for term in terms_by_label(Interest.objects.all())
        ]

    def payload(self) -> dict[str, Any]:
        data = self.data
        interests = data.getlist("interests") if isinstance(data, QueryDict) else []
        return {
            "interests": interests,
            "school": data.get("school", ""),
            "study_track": data.get("study_track", ""),
        }
