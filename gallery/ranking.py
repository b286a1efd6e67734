"""The gallery's ranking, read from the narrow search index in tiers.

The order: relevance (per query word 10 for the title, 4 for a label of the profile's sector,
skills or interests, 1 for the rest of the text), then interests shared with a student viewer,
then the most recently updated, then the newest profile.

Relevance takes few values, and a word found in half the profiles is found in their text, not
their titles. So the rows are read in tiers, best first, each a query with a LIMIT: rows whose
relevance varies are ranked in full (few: title or label matches); runs of equally relevant
rows (one word in the titles, in labels, or in the text only; or every word in the text only)
are ordered by shared interests then by recency, and those sharing nothing come straight from
the recency index, so the database stops after one page. A page is read tier by tier until it
is full, and only its profiles are loaded.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_
from typing import overload

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

from gallery.lookups import prefix_all, prefix_any, two_of, word_any
from gallery.models import ProfileSearchEntry, WitnessProfile

# How much a matching word counts, by where it matched.
WEIGHT_TITLE = 10
WEIGHT_TAGS = 4
WEIGHT_BODY = 1
RECENT = ("-updated_at", "-pk")
# Up to this many interests, profiles sharing two or more are found by the index of pairs
# (15 pairs for 6 interests); beyond, every profile sharing one is counted.
MAX_PAIRED_INTERESTS = 6


@dataclass(frozen=True)
class SearchTerms:
    """A query as the index reads it."""

    words: tuple[str, ...]  # normalised, each must match
    # For each word, the taxonomy terms ("s3", "k5", "i7") whose labels it matches.
    tag_codes: Mapping[str, tuple[str, ...]]
    interest_codes: tuple[str, ...]  # the viewer's interests ("i7"), for the overlap


@dataclass(frozen=True)
class Tier:
    entries: QuerySet[ProfileSearchEntry]

    def ids(self, start: int, stop: int | None) -> list[int]:
        rows = self.entries.values_list("pk", flat=True)
        return list(rows[start:stop] if stop is not None else rows[start:])


def _sum(terms: list[Combinable]) -> Combinable:
    return reduce(lambda total, term: total + term, terms[1:], terms[0])


def _in_tags(codes: Sequence[str]) -> Q:
    # No label matches: a condition that is false without asking the database.
    return Q(word_any("terms", codes)) if codes else Q(pk__in=[])


def _relevance(query: SearchTerms) -> Combinable:
    return _sum(
        [
            Case(
                When(prefix_any("title", [word]), then=Value(WEIGHT_TITLE)),
                When(_in_tags(query.tag_codes[word]), then=Value(WEIGHT_TAGS)),
                default=Value(WEIGHT_BODY),
                output_field=IntegerField(),
            )
            for word in query.words
        ]
    )


def _overlap(codes: Sequence[str]) -> Combinable:
    return _sum(
        [
            Case(
                When(word_any("terms", [code]), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for code in codes
        ]
    )


def _ranked_in_full(entries: QuerySet[ProfileSearchEntry], query: SearchTerms) -> Tier:
    entries = entries.annotate(relevance=_relevance(query))
    if not query.interest_codes:
        return Tier(entries.order_by("-relevance", *RECENT))
    entries = entries.annotate(shared=_overlap(query.interest_codes))
    return Tier(entries.order_by("-relevance", "-shared", *RECENT))


def _equally_relevant(entries: QuerySet[ProfileSearchEntry], query: SearchTerms) -> list[Tier]:
    codes = query.interest_codes
    if not codes:
        return [Tier(entries.order_by(*RECENT))]
    rest = entries.exclude(word_any("terms", codes)).order_by(*RECENT)
    if len(codes) == 1:
        return [Tier(entries.filter(word_any("terms", codes)).order_by(*RECENT)), Tier(rest)]
    if len(codes) > MAX_PAIRED_INTERESTS:
        shared = entries.filter(word_any("terms", codes)).annotate(shared=_overlap(codes))
        return [Tier(shared.order_by("-shared", *RECENT)), Tier(rest)]
    # Most profiles that share an interest share exactly one: those all rank alike, by recency,
    # and only the few sharing two or more need counting.
    several = entries.filter(two_of("terms", codes)).annotate(shared=_overlap(codes))
    one = entries.filter(word_any("terms", codes)).exclude(two_of("terms", codes))
    return [
        Tier(several.order_by("-shared", *RECENT)),
        Tier(one.order_by(*RECENT)),
        Tier(rest),
    ]


def _everywhere(query: SearchTerms) -> Q:
    """Each word is in the title, a label or the text."""
    return reduce(
        and_,
        (
            Q(prefix_any("title", [word]))
            | _in_tags(query.tag_codes[word])
            | Q(prefix_any("body", [word]))
            for word in query.words
        ),
    )


def search_matches(
    *, entries: QuerySet[ProfileSearchEntry], query: SearchTerms
) -> QuerySet[ProfileSearchEntry]:
    """Every index row the query finds, unordered: to count them in one query."""
    return entries.filter(_everywhere(query)) if query.words else entries


def search_tiers(*, entries: QuerySet[ProfileSearchEntry], query: SearchTerms) -> list[Tier]:
    """The tiers of a search, in ranking order, over already filtered index rows."""
    words = query.words
    if not words:
        return _equally_relevant(entries, query)
    in_title = Q(prefix_any("title", words))
    in_tags = _in_tags(sorted({code for word in words for code in query.tag_codes[word]}))
    title = entries.filter(in_title)
    tags = entries.exclude(in_title).filter(in_tags)
    body = entries.exclude(in_title).exclude(in_tags).filter(prefix_all("body", words))
    if len(words) == 1:
        return [tier for group in (title, tags, body) for tier in _equally_relevant(group, query)]
    # With several words each must match somewhere, and relevance varies within a tier.
    everywhere = _everywhere(query)
    if len(words) > 2:
        # From three words on, labels can weigh as much as a title (3 x 4 against 10 + 1 + 1):
        # title and label matches are ranked together.
        strong = entries.filter(in_title | in_tags).filter(everywhere)
        return [_ranked_in_full(strong, query), *_equally_relevant(body, query)]
    # Two words: a title match (11 at least) beats any label match, and without one both words
    # are in labels (8: a sector's name, say) or one is (5): equally relevant rows again.
    in_all_tags = reduce(and_, [_in_tags(query.tag_codes[word]) for word in words])
    return [
        _ranked_in_full(title.filter(everywhere), query),
        *_equally_relevant(tags.filter(in_all_tags), query),
        *_equally_relevant(tags.filter(everywhere).exclude(in_all_tags), query),
        *_equally_relevant(body, query),
    ]


def _page_ids(tiers: Sequence[Tier], start: int, stop: int | None) -> list[int]:
    """Ids at positions [start, stop) of the tiers laid end to end, without counting a tier
    unless the page starts past its end."""
    ids: list[int] = []
    before = 0  # rows in the tiers already passed
    for tier in tiers:
        if stop is not None and before >= stop:
            break
        skip = max(0, start - before)
        want = None if stop is None else stop - before - skip
        rows = tier.ids(skip, None if want is None else skip + want)
        ids += rows
        if want is not None and len(rows) == want:
            break
        if rows or skip == 0:
            before += skip + len(rows)  # the tier ended inside the page
        else:
            before += tier.entries.count()  # the page starts past this tier
    return ids


class ProfileSearchResults(Sequence[WitnessProfile]):
    """Ranked profiles, read lazily: each slice runs the tiers' queries for that page only."""

    def __init__(self, tiers: Sequence[Tier], matches: QuerySet[ProfileSearchEntry]) -> None:
        self._tiers = list(tiers)
        self._matches = matches

    # Sequence.count(value) counts one value; this counts the matches, like QuerySet.count(),
    # which the gallery page calls.
    def count(self) -> int:  # type: ignore[override]
        return self._matches.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> WitnessProfile: ...

    @overload
    def __getitem__(self, index: slice) -> list[WitnessProfile]: ...

    def __getitem__(self, index: int | slice) -> WitnessProfile | list[WitnessProfile]:
        if isinstance(index, int):
            if index < 0:
                index += self.count()
            found = self._load(index, index + 1) if index >= 0 else []
            if not found:
                raise IndexError("search result index out of range")
            return found[0]
        if index.step not in (None, 1):
            raise ValueError("search results are read forwards only")
        start, stop = index.start or 0, index.stop
        if start < 0 or (stop is not None and stop < 0):
            start, stop, _step = index.indices(self.count())
        return self._load(start, stop) if stop is None or stop > start else []

    def __iter__(self) -> Iterator[WitnessProfile]:
        return iter(self._load(0, None))

    def _load(self, start: int, stop: int | None) -> list[WitnessProfile]:
        ids = _page_ids(self._tiers, start, stop)
        profiles = WitnessProfile.objects.filter(pk__in=ids).select_related(
            "user__profile_photo", "sector"
        )
        found = {profile.pk: profile for profile in profiles.prefetch_related("interests")}
        # A profile deleted between the two reads is left out rather than failing the page.
        return [found[pk] for pk in ids if pk in found]
