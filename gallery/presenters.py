"""What the gallery pages show of a profile: labels in the active language, colours, links.

Pure presentation over rows the profiles selectors loaded: no rule of the backend lives here.
"""

import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, get_language_info, gettext

from gallery.data.taxonomy import SECTORS
from gallery.models import MeetingFormat, TaxonomyTerm, WitnessProfile
from gallery.photos import photo_url, profile_photo_key
from gallery.serializers import ProfileCardSerializer
from gallery.video import parse_video_url

# Sector slugs with a colour of their own (classes in gallery.css, white text ≥ 4.5:1).
SECTOR_COLOURS = frozenset(slug for slug, *_labels in SECTORS)
_FALLBACK_COLOURS = ("tech", "health", "business", "arts", "education", "science")
_CARD_SERIALIZER = ProfileCardSerializer()


def sector_colour(slug: str) -> str:
    """The colour key of a sector (a stable pick for a sector added after this list)."""
    if slug in SECTOR_COLOURS:
        return slug
    return _FALLBACK_COLOURS[zlib.crc32(slug.encode()) % len(_FALLBACK_COLOURS)]


def sort_key(text: str) -> str:
    """Alphabetical order as readers expect it: "Écriture" between "Dessin" and "Football"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def terms_by_label(terms: Iterable[TaxonomyTerm]) -> list[TaxonomyTerm]:
    return sorted(terms, key=lambda term: sort_key(term.label))


def place_label(place: str) -> str:
    """A bilingual Brussels name in the reader's language: "Ixelles / Elsene" -> "Elsene" in
    Dutch, "Ixelles" in French; English keeps both, as Brussels signs do."""
    french, separator, dutch = place.partition(" / ")
    if not separator:
        return place
    language = (get_language() or "fr")[:2]
    return {"fr": french, "nl": dutch}.get(language, place)


def language_name(code: str) -> str:
    """A spoken language's name in the active language ("nl" -> "néerlandais" in French)."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    return name[:1].upper() + name[1:]


def format_labels(codes: Sequence[str]) -> list[str]:
    known = dict(MeetingFormat.choices)
    return [str(known[code]) for code in codes if code in known]


def optional_url(name: str, *args: object) -> str | None:
    """The URL of a page another slice builds, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def initials_of(name: str) -> str:
    """ "Ana Peeters" -> "AP": the default avatar when a person has no photo."""
    words = name.split()
    return "".join(word[0] for word in words[:2]).upper() or "?"


@dataclass(frozen=True)
class TextLanguage:
    """The language of a profile's texts when it is not the reader's: `lang` for the text
    element (screen readers switch voice), a short visible marker and its spoken label."""

    code: str
    marker: str
    label: str


def text_language(code: str) -> TextLanguage | None:
    """None when the texts are in the interface's language (or their language is unknown)."""
    active = (get_language() or "fr")[:2]
    if not code or code == active:
        return None
    labels = {"fr": gettext("in French"), "nl": gettext("in Dutch"), "en": gettext("in English")}
    if code not in labels:
        return None
    return TextLanguage(code=code, marker=code.upper(), label=labels[code])


@dataclass(frozen=True)
class ProfileCard:
    """One card of the gallery, the saved list or "surprise me"."""

    profile_id: int
    url: str
    initials: str
    colour: str
    photo: str | None
    photo_small: str | None
    text_language: TextLanguage | None
    job_title: str
    name: str
    sector: str
    hook: str
    place: str
    formats: list[str]
    saved: bool


def profile_card(profile: WitnessProfile, *, saved_ids: set[int]) -> ProfileCard:
    key = profile_photo_key(profile)
    return ProfileCard(
        profile_id=profile.pk,
        url=reverse("gallery:profile", args=[profile.pk]),
        initials=_CARD_SERIALIZER.get_initials(profile),
        colour=sector_colour(profile.sector.slug),
        photo=photo_url(key, "large") if key else None,
        photo_small=photo_url(key, "small") if key else None,
        text_language=text_language(profile.content_language),
        job_title=profile.job_title,
        name=profile.user.display_name,
        sector=profile.sector.label,
        hook=profile.hook,
        place=place_label(profile.place) if profile.place else "",
        formats=format_labels(profile.formats),
        saved=profile.pk in saved_ids,
    )


@dataclass(frozen=True)
class CareerStep:
    start_year: int
    end_year: int | None
    title: str
    place: str


@dataclass(frozen=True)
class ProfilePage:
    """Everything the profile page shows, also used for the professional's preview."""

    card: ProfileCard
    user_id: int
    employer_type: str
    languages: list[str]
    skills: list[str]
    interests: list[str]
    typical_day: str
    career: list[CareerStep]
    training: str
    video_embed_url: str | None
    video_provider: str


def _career(profile: WitnessProfile) -> list[CareerStep]:
    steps = []
    for step in profile.career_path:
        start, end = step.get("start_year"), step.get("end_year")
        if not isinstance(start, int):
            continue
        steps.append(
            CareerStep(
                start_year=start,
                end_year=end if isinstance(end, int) else None,
                title=str(step.get("title", "")),
                place=place_label(str(step.get("place", ""))),
            )
        )
    return sorted(steps, key=lambda step: step.start_year)


def profile_page(profile: WitnessProfile, *, saved_ids: set[int]) -> ProfilePage:
    video = parse_video_url(profile.video_url) if profile.video_url else None
    return ProfilePage(
        card=profile_card(profile, saved_ids=saved_ids),
        user_id=profile.user_id,
        employer_type=profile.get_employer_type_display() if profile.employer_type else "",
        languages=[language_name(code) for code in profile.languages],
        skills=[term.label for term in terms_by_label(profile.skills.all())],
        interests=[term.label for term in terms_by_label(profile.interests.all())],
        typical_day=profile.typical_day,
        career=_career(profile),
        training=profile.training,
        video_embed_url=video.embed_url if video else None,
        video_provider="YouTube" if video and video.provider == "youtube" else "Vimeo",
    )
