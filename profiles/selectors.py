"""Reads on profiles: the gallery search, profile detail, saved lists."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Case, Combinable, When
from django.db.models.functions import Coalesce

from profiles import lookups  # noqa: F401  (registers the word_prefix lookup)
from profiles.models import Role, SavedProfile, User, WitnessProfile
from profiles.search import query_words

# How much a matching word counts, by where it matched.
WEIGHT_TITLE = 10
WEIGHT_TAGS = 4
WEIGHT_BODY = 1


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
    return profiles.select_related("user", "sector").prefetch_related("interests", "skills")


def student_interest_ids(*, user: User) -> list[int]:
    if not user.is_authenticated or user.role != Role.STUDENT:
        return []
    return list(
        User.objects.filter(pk=user.pk)
        .exclude(student_profile__interests=None)
        .values_list("student_profile__interests", flat=True)
    )


def profile_search(*, viewer: User, filters: ProfileFilters) -> QuerySet[WitnessProfile]:
    """The gallery: every query word must match (a word prefix, accents ignored, job synonyms
    across fr/nl/en); ranked by where words matched, then by shared interests with a student
    viewer, then by the most recently updated."""
    profiles = visible_profiles()
    if filters.sector:
        profiles = profiles.filter(sector__slug=filters.sector)
    # Exists rather than joins: no duplicate rows, so no DISTINCT over the ranked set.
    if filters.skill:
        profiles = profiles.filter(
            Exists(
                WitnessProfile.skills.through.objects.filter(
                    witnessprofile_id=OuterRef("pk"), skill__slug=filters.skill
                )
            )
        )
    if filters.interest:
        profiles = profiles.filter(
            Exists(
                WitnessProfile.interests.through.objects.filter(
                    witnessprofile_id=OuterRef("pk"), interest__slug=filters.interest
                )
            )
        )
    if filters.language:
        profiles = profiles.filter(search_facets__contains=f" lang:{filters.language} ")
    if filters.meeting_format:
        profiles = profiles.filter(search_facets__contains=f" format:{filters.meeting_format} ")

    score: Combinable = Value(0)
    for word in query_words(filters.query):
        pattern = f" {word}"
        profiles = profiles.filter(search_all__word_prefix=word)
        # A word that matched neither the title nor the tags matched the body: no need to scan
        # the long body column a second time.
        score = score + Case(
            When(search_title__contains=pattern, then=WEIGHT_TITLE),
            When(search_tags__contains=pattern, then=WEIGHT_TAGS),
            default=WEIGHT_BODY,
        )
    interest_ids = student_interest_ids(user=viewer)
    overlap: Combinable = Value(0)
    if interest_ids:
        # A correlated count, not a join with GROUP BY: the page count stays a plain COUNT.
        shared = (
            WitnessProfile.interests.through.objects.filter(
                witnessprofile_id=OuterRef("pk"), interest_id__in=interest_ids
            )
            .order_by()
            .values("witnessprofile_id")
            .annotate(shared=Count("*"))
            # django-stubs does not see an annotation made earlier in the same chain.
            .values("shared")  # type: ignore[misc]
        )
        overlap = Coalesce(Subquery(shared, output_field=IntegerField()), 0)
    return _with_card_data(
        profiles.annotate(
            relevance=ExpressionWrapper(score, output_field=IntegerField()),
            interest_overlap=ExpressionWrapper(overlap, output_field=IntegerField()),
        ).order_by("-relevance", "-interest_overlap", "-updated_at", "-pk")
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
