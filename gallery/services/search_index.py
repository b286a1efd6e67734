"""Writes on the gallery's search index (`ProfileSearchEntry`), one narrow row per profile."""

from collections.abc import Sequence

from django.db import transaction

from accounts.models import Role, User
from gallery.models import Interest, ProfileSearchEntry, Sector, Skill, WitnessProfile
from gallery.search import as_document, job_title_synonyms

# Every column but the key, for the upsert.
_UPDATED_FIELDS = ["visible", "updated_at", "facets", "terms", "title", "body"]


def term_codes(*, sector: Sector, skills: Sequence[Skill], interests: Sequence[Interest]) -> str:
    """ " s3 k5 i7 ": the profile's taxonomy terms as the index stores them."""
    codes = [f"s{sector.pk}", *(f"k{s.pk}" for s in skills), *(f"i{i.pk}" for i in interests)]
    return f" {' '.join(codes)} "


def is_listed(owner: User) -> bool:
    """Students see the profiles of active, verified professionals only."""
    return owner.role == Role.PROFESSIONAL and owner.verified and owner.is_active


def search_entry_build(
    *,
    profile: WitnessProfile,
    owner: User,
    skills: Sequence[Skill],
    interests: Sequence[Interest],
) -> ProfileSearchEntry:
    """The index row of a profile, from its content (no database access)."""
    body = as_document(
        [
            profile.hook,
            profile.typical_day,
            profile.training,
            profile.place,
            owner.display_name,
            *(str(step.get("title", "")) for step in profile.career_path),
            *(str(step.get("place", "")) for step in profile.career_path),
        ]
    )
    facets = [f"lang:{code}" for code in profile.languages]
    facets += [f"format:{code}" for code in profile.formats]
    return ProfileSearchEntry(
        profile=profile,
        visible=is_listed(owner),
        updated_at=profile.updated_at,
        facets=f" {' '.join(facets)} " if facets else "",
        terms=term_codes(sector=profile.sector, skills=skills, interests=interests),
        title=as_document([profile.job_title, *job_title_synonyms(profile.job_title)]),
        body=body,
    )


def search_entries_write(entries: Sequence[ProfileSearchEntry]) -> None:
    """Insert or replace index rows in one statement per batch, without reading them first."""
    ProfileSearchEntry.objects.bulk_create(
        entries,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["profile"],
        update_fields=_UPDATED_FIELDS,
    )


@transaction.atomic
def search_entry_refresh(*, profile: WitnessProfile) -> ProfileSearchEntry:
    """Rebuild a profile's index row from its current content and its owner's status."""
    # Locking the owner orders this write with a concurrent verification change: either its
    # trigger sees this row, or this read sees its new value.
    owner = User.objects.select_for_update().get(pk=profile.user_id)
    entry = search_entry_build(
        profile=profile,
        owner=owner,
        skills=list(profile.skills.all()),
        interests=list(profile.interests.all()),
    )
    search_entries_write([entry])
    return entry
