"""The gallery's part of a person's data (accounts.privacy): their witness or student profile
and the profiles they saved; on deletion, all of it goes. Registered by GalleryConfig.ready."""

from typing import Any

from accounts.models import User
from gallery.models import (
    DiscoveryRound,
    ProfileView,
    SavedProfile,
    StudentProfile,
    WitnessProfile,
)
from gallery.photos import photo_remove, photo_url_of


def _witness(profile: WitnessProfile) -> dict[str, Any]:
    return {
        "job_title": profile.job_title,
        "hook": profile.hook,
        "sector": profile.sector.slug,
        "employer_type": profile.employer_type,
        "skills": sorted(skill.slug for skill in profile.skills.all()),
        "interests": sorted(interest.slug for interest in profile.interests.all()),
        "typical_day": profile.typical_day,
        "career_path": profile.career_path,
        "training": profile.training,
        "languages": profile.languages,
        "place": profile.place,
        "video_url": profile.video_url,
        "formats": profile.formats,
        "content_language": profile.content_language,
        "updated_at": profile.updated_at,
    }


def profile_export(user: User) -> dict[str, Any]:
    """`{"witness", "student", "saved_profiles", "photo"}`: a profile or the photo is null when
    the user has none; saved profiles by id (another person's profile is theirs, not the
    user's); the photo by its URL (the stored picture itself, without metadata)."""
    witness = (
        WitnessProfile.objects.select_related("sector")
        .prefetch_related("skills", "interests")
        .filter(user=user)
        .first()
    )
    student = StudentProfile.objects.prefetch_related("interests").filter(user=user).first()
    saved = SavedProfile.objects.filter(student=user).order_by("created_at")
    return {
        "witness": _witness(witness) if witness is not None else None,
        "student": {
            "school": student.school,
            "study_track": student.study_track,
            "interests": sorted(interest.slug for interest in student.interests.all()),
        }
        if student is not None
        else None,
        "saved_profiles": [
            {"profile": item.profile_id, "saved_at": item.created_at} for item in saved
        ],
        "photo": photo_url_of(user),
    }


def profile_erase(user: User) -> None:
    """The user's profiles (and with the witness profile its search entry: it leaves the
    gallery), photo (its files too, once the deletion is committed), saved list, views and
    discovery history are deleted."""
    photo_remove(user=user)
    WitnessProfile.objects.filter(user=user).delete()
    StudentProfile.objects.filter(user=user).delete()
    SavedProfile.objects.filter(student=user).delete()
    ProfileView.objects.filter(student=user).delete()
    DiscoveryRound.objects.filter(student=user).delete()
