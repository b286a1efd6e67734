"""Writes on witness profiles, student interests, saved lists and views."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from gallery.data import taxonomy
from gallery.models import (
    Interest,
    ProfileView,
    SavedProfile,
    Sector,
    Skill,
    StudentProfile,
    WitnessProfile,
)
from gallery.services.search_index import search_entry_refresh


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
    content_language: str = ""  # "": keep the profile's, or the author's preferred language


@transaction.atomic
def witness_profile_save(*, user: User, data: WitnessProfileData) -> WitnessProfile:
    """Create or replace the caller's witness profile. Only professionals have one.

    Raises PermissionDenied for any other role.
    """
    if user.role != Role.PROFESSIONAL:
        raise PermissionDenied("Only professionals have a witness profile.")
    content_language = data.content_language or (
        WitnessProfile.objects.filter(user=user).values_list("content_language", flat=True).first()
        or user.preferred_language
    )
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
            "content_language": content_language,
        },
    )
    profile.skills.set(data.skills)
    profile.interests.set(data.interests)
    search_entry_refresh(profile=profile)
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
