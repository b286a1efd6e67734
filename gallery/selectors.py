"""Reads on profiles: the gallery search, profile detail, saved lists."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value

from accounts.models import Role, User
from gallery.lookups import word_any
from gallery.models import (
    Interest,
    ProfileSearchEntry,
    SavedProfile,
    Sector,
    Skill,
    StudentProfile,
    WitnessProfile,
)
from gallery.ranking import ProfileSearchResults, SearchTerms, search_matches, search_tiers
from gallery.search import label_words, query_words, starts_a_word


@dataclass(frozen=True)
class ProfileFilters:
    """Validated filter values (slugs and codes); None means no filter."""

    query: str = ""
    sector: str | None = None
    skill: str | None = None
    interest: str | None = None
    language: str | None = None
    meeting_format: str | None = None


def visible_profiles() -> QuerySet[WitnessProfile]:
    """Profiles students may see: active, verified professionals only."""
    return WitnessProfile.objects.filter(
        user__role=Role.PROFESSIONAL, user__verified=True, user__is_active=True
    )


def _with_card_data(profiles: QuerySet[WitnessProfile]) -> QuerySet[WitnessProfile]:
    return profiles.select_related("user__profile_photo", "sector").prefetch_related(
        "interests", "skills"
    )


def student_interest_ids(*, user: User) -> list[int]:
    if not user.is_authenticated or user.role != Role.STUDENT:
        return []
    return list(
        StudentProfile.interests.through.objects.filter(studentprofile__user=user.pk)
        .order_by("interest_id")
        .values_list("interest_id", flat=True)
    )


@dataclass(frozen=True)
class _Term:
    code: str  # as the search index stores it: "s3", "k5", "i7"
    slug: str
    words: frozenset[str]


def _taxonomy() -> list[_Term]:
    """Every sector, skill and interest, in one query."""
    fields = ("kind", "pk", "slug", "label_fr", "label_nl", "label_en", "keywords")
    sectors, skills, interests = (
        model.objects.order_by().annotate(kind=Value(prefix)).values_list(*fields)
        for prefix, model in (("s", Sector), ("k", Skill), ("i", Interest))
    )
    return [
        _Term(code=f"{kind}{pk}", slug=slug, words=label_words(*labels))
        for kind, pk, slug, *labels in sectors.union(skills, interests, all=True)
    ]


def _filtered_entries(
    filters: ProfileFilters, taxonomy: list[_Term]
) -> QuerySet[ProfileSearchEntry]:
    entries = ProfileSearchEntry.objects.filter(visible=True)
    for prefix, slug in (("s", filters.sector), ("k", filters.skill), ("i", filters.interest)):
        if slug:
            codes = [term.code for term in taxonomy if term.code[0] == prefix and term.slug == slug]
            if not codes:
                return entries.none()
            entries = entries.filter(word_any("terms", codes))
    if filters.language:
        entries = entries.filter(facets__contains=f" lang:{filters.language} ")
    if filters.meeting_format:
        entries = entries.filter(facets__contains=f" format:{filters.meeting_format} ")
    return entries


def profile_search(*, viewer: User, filters: ProfileFilters) -> ProfileSearchResults:
    """The gallery: every query word must match (a word prefix, accents ignored, job synonyms
    across fr/nl/en); ranked by where words matched, then by shared interests with a student
    viewer, then by the most recently updated. Lazy: slicing reads one page."""
    words = tuple(query_words(filters.query))
    needs_terms = words or filters.sector or filters.skill or filters.interest
    taxonomy = _taxonomy() if needs_terms else []
    query = SearchTerms(
        words=words,
        tag_codes={
            word: tuple(term.code for term in taxonomy if starts_a_word(word, term.words))
            for word in words
        },
        interest_codes=tuple(f"i{pk}" for pk in student_interest_ids(user=viewer)),
    )
    entries = _filtered_entries(filters, taxonomy)
    return ProfileSearchResults(
        search_tiers(entries=entries, query=query),
        matches=search_matches(entries=entries, query=query),
    )


def profile_detail(*, profile_id: int) -> WitnessProfile | None:
    return _with_card_data(visible_profiles()).filter(pk=profile_id).first()


def saved_profile_list(*, student: User) -> QuerySet[WitnessProfile]:
    """The student's saved profiles that are still visible, the most recently saved first."""
    saved = SavedProfile.objects.filter(student=student, profile=OuterRef("pk"))
    return _with_card_data(
        visible_profiles()
        .filter(Exists(saved))
        .annotate(saved_at=Subquery(saved.values("created_at")[:1]))
        .order_by("-saved_at", "-pk")
    )


def saved_profile_ids(*, student: User) -> set[int]:
    return set(SavedProfile.objects.filter(student=student).values_list("profile_id", flat=True))
