"""Writes on witness profiles, student interests, saved lists and views."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from profiles.data import taxonomy
from profiles.models import (
    Interest,
    ProfileView,
    Role,
    SavedProfile,
    Sector,
    Skill,
    StudentProfile,
    TaxonomyTerm,
    User,
    WitnessProfile,
)
from profiles.search import as_document, job_title_synonyms


@dataclass
class WitnessProfileData:
    """A whole witness profile as validated by the API or the editor form."""

    job_title: str
    sector: Sector
    hook: str = ""
    employer_type: str = ""
    skills: Sequence[Skill] = ()
    interests: Sequence[Interest] = ()
    typical_day: str = ""
    career_path: list[dict[str, object]] = field(default_factory=list)
    training: str = ""
    languages: list[str] = field(default_factory=list)
    place: str = ""
    video_url: str = ""
    formats: list[str] = field(default_factory=list)


def _labels(terms: Sequence[TaxonomyTerm]) -> list[str]:
    return [
        text
        for term in terms
        for text in (term.label_fr, term.label_nl, term.label_en, term.keywords)
    ]


def search_columns(
    *, profile: WitnessProfile, skills: Sequence[Skill], interests: Sequence[Interest]
) -> dict[str, str]:
    """The accent-free search columns of a profile, from its content (no database access)."""
    title = as_document([profile.job_title, *job_title_synonyms(profile.job_title)])
    tags = as_document(_labels([profile.sector, *skills, *interests]))
    body = as_document(
        [
            profile.hook,
            profile.typical_day,
            profile.training,
            profile.place,
            profile.user.display_name,
            *(str(step.get("title", "")) for step in profile.career_path),
            *(str(step.get("place", "")) for step in profile.career_path),
        ]
    )
    facets = [f"lang:{code}" for code in profile.languages]
    facets += [f"format:{code}" for code in profile.formats]
    return {
        "search_title": title,
        "search_tags": tags,
        "search_body": body,
        "search_all": f"{title}{tags}{body}",
        "search_facets": f" {' '.join(facets)} " if facets else "",
    }


def witness_profile_reindex(*, profile: WitnessProfile) -> None:
    """Rebuild the search columns from the profile's current content."""
    columns = search_columns(
        profile=profile, skills=list(profile.skills.all()), interests=list(profile.interests.all())
    )
    for name, value in columns.items():
        setattr(profile, name, value)
    WitnessProfile.objects.filter(pk=profile.pk).update(**columns)


@transaction.atomic
def witness_profile_save(*, user: User, data: WitnessProfileData) -> WitnessProfile:
    """Create or replace the caller's witness profile. Only professionals have one.

    Raises PermissionDenied for any other role.
    """
    if user.role != Role.PROFESSIONAL:
        raise PermissionDenied("Only professionals have a witness profile.")
    profile, _created = WitnessProfile.objects.update_or_create(
        user=user,
        defaults={
            "job_title": data.job_title.strip(),
            "sector": data.sector,
            "hook": data.hook.strip(),
            "employer_type": data.employer_type,
            "typical_day": data.typical_day.strip(),
            "career_path": data.career_path,
            "training": data.training.strip(),
            "languages": data.languages,
            "place": data.place,
            "video_url": data.video_url,
            "formats": data.formats,
        },
    )
    profile.skills.set(data.skills)
    profile.interests.set(data.interests)
    witness_profile_reindex(profile=profile)
    return profile


@transaction.atomic
def student_profile_save(
    *, user: User, interests: Sequence[Interest], school: str = "", study_track: str = ""
) -> StudentProfile:
    """Set a student's interests, school and study track."""
    if user.role != Role.STUDENT:
        raise PermissionDenied("Only students set interests for discovery.")
    profile, _created = StudentProfile.objects.update_or_create(
        user=user, defaults={"school": school.strip(), "study_track": study_track.strip()}
    )
    profile.interests.set(interests)
    return profile


def saved_profile_add(*, student: User, profile: WitnessProfile) -> SavedProfile:
    """Save a profile to the student's list; saving twice keeps one entry."""
    if student.role != Role.STUDENT:
        raise PermissionDenied("Only students keep a list of saved profiles.")
    saved, _created = SavedProfile.objects.get_or_create(student=student, profile=profile)
    return saved


def saved_profile_remove(*, student: User, profile: WitnessProfile) -> None:
    SavedProfile.objects.filter(student=student, profile=profile).delete()


def profile_view_record(*, viewer: User, profile: WitnessProfile) -> None:
    """Remember that a student opened a profile (discovery then proposes other sectors)."""
    if viewer.role != Role.STUDENT:
        return
    ProfileView.objects.update_or_create(
        student=viewer, profile=profile, defaults={"viewed_at": timezone.now()}
    )


@transaction.atomic
def taxonomy_sync() -> None:
    """Create or update sectors, skills and interests from profiles/data/taxonomy.py."""
    taxonomy.upsert_terms(Sector, Skill, Interest)
