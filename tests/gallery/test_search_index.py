"""The narrow search index: kept in sync by every write path, and ranked in tiers exactly as
the one-pass definition of the ranking says, page by page."""

import random
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from gallery import lookups, selectors, services
from gallery.models import (
    Interest,
    ProfileSearchEntry,
    Sector,
    Skill,
    StudentProfile,
    WitnessProfile,
)
from gallery.search import as_document, job_title_synonyms, normalise_words, query_words
from tests.factories import make_witness

pytestmark = pytest.mark.usefixtures("taxonomy")


def _found(viewer: User, query: str = "", **filters: str) -> list[int]:
    results = selectors.profile_search(
        viewer=viewer, filters=selectors.ProfileFilters(query=query, **filters)
    )
    return [profile.pk for profile in results]


# --- The index follows every write -------------------------------------------------------------


def test_an_edit_through_the_api_reindexes_the_profile(
    professional: User, student: User, api_client: APIClient
) -> None:
    profile = make_witness(professional, job_title="Boulangère", sector="crafts")
    assert _found(student, "boulangere") == [profile.pk]
    api_client.force_authenticate(professional)
    edit = {"job_title": "Pâtissière", "sector": "crafts", "typical_day": "Croissants à 4 h."}
    assert api_client.put("/api/profiles/me/", edit, format="json").status_code == 200
    assert _found(student, "boulangere") == []
    assert _found(student, "patissiere") == [profile.pk]
    assert _found(student, "croissants") == [profile.pk]
    entry = ProfileSearchEntry.objects.get(profile=profile)
    assert entry.updated_at == WitnessProfile.objects.get(pk=profile.pk).updated_at


def test_an_edit_that_fails_validation_leaves_the_index_alone(
    professional: User, student: User, api_client: APIClient
) -> None:
    profile = make_witness(professional, job_title="Boulangère", sector="crafts")
    api_client.force_authenticate(professional)
    bad = {"job_title": "Pâtissière", "sector": "crafts", "video_url": "https://evil.example"}
    assert api_client.put("/api/profiles/me/", bad, format="json").status_code == 400
    assert _found(student, "boulangere") == [profile.pk]
    assert _found(student, "patissiere") == []


@pytest.mark.parametrize(
    "change",
    [
        {"verified": False},
        {"is_active": False},
        {"role": "student"},
    ],
)
def test_visibility_follows_the_owner_however_it_is_changed(
    professional: User, student: User, change: dict[str, Any]
) -> None:
    profile = make_witness(professional, job_title="Pilote", sector="transport")
    restore = {field: getattr(professional, field) for field in change}
    # A bulk update, as other apps and the admin's actions do: no service, no model save().
    User.objects.filter(pk=professional.pk).update(**change)
    assert _found(student, "pilote") == []
    assert _found(student) == []
    # A model save, as the admin's change form does.
    for field, value in restore.items():
        setattr(professional, field, value)
    professional.save()
    assert _found(student, "pilote") == [profile.pk]


def test_an_unverified_professional_is_indexed_hidden_until_verified(
    make_user: Callable[..., User], student: User
) -> None:
    newcomer = make_user(role="professional", verified=False)
    profile = make_witness(newcomer, job_title="Pilote", sector="transport")
    assert ProfileSearchEntry.objects.get(profile=profile).visible is False
    assert _found(student, "pilote") == []
    newcomer.verified = True
    newcomer.save(update_fields=["verified"])
    assert _found(student, "pilote") == [profile.pk]


def test_other_changes_to_the_owner_keep_the_profile_listed(
    professional: User, student: User
) -> None:
    profile = make_witness(professional, job_title="Pilote", sector="transport")
    User.objects.filter(pk=professional.pk).update(display_name="Another name", verified=True)
    assert _found(student, "pilote") == [profile.pk]


def test_deleting_a_profile_or_its_owner_removes_it_from_the_index(student: User) -> None:
    kept = make_witness(job_title="Pilote de ligne", sector="transport")
    removed = make_witness(job_title="Pilote d'hélicoptère", sector="transport")
    gone_owner = make_witness(job_title="Pilote de drone", sector="transport")
    removed.delete()
    gone_owner.user.delete()
    assert _found(student, "pilote") == [kept.pk]
    assert set(ProfileSearchEntry.objects.values_list("pk", flat=True)) == {kept.pk}


# --- Exact ranking, page by page ---------------------------------------------------------------

TITLES = [
    "Infirmière en pédiatrie",
    "Verpleegkundige spoed",
    "Nurse",
    "Boulanger",
    "Développeuse web",
    "Software developer",
    "Avocate",
    "Musicienne",
    "Ingénieure civile",
    "Animatrice sportive",
]
TEXT = [
    "musique",
    "sport",
    "santé",
    "animaux",
    "enfants",
    "web",
    "code",
    "pain",
    "avocat",
    "hôpital",
    "école",
    "soins",
    "dessin",
    "patients",
    "équipe",
    "nuit",
    "matin",
]
LIKED = ["music", "sport", "animals", "drawing", "science", "video-games", "travel"]
QUERIES = [
    "",
    "infirmiere",
    "nurse",
    "mus",
    "sport",
    "sant",
    "anim",
    "web",
    "soins",
    "pain",
    "avocat",
    "e",
    "dev code",
    "musique sport",
    "sante enfants",
    "nurse patients",
    "zzz",
    "anim soins matin",
    "sante soins zorg",
    "musique sport code pain",
]


def _reference(viewer: User, query: str) -> list[int]:
    """The ranking in one pass over every profile, straight from its definition."""
    words = query_words(query)
    viewer_interests = set(selectors.student_interest_ids(user=viewer))
    ranked = []
    profiles = selectors.visible_profiles().prefetch_related("skills", "interests")
    for profile in profiles.select_related("user", "sector"):
        title = as_document([profile.job_title, *job_title_synonyms(profile.job_title)]).split()
        terms = [profile.sector, *profile.skills.all(), *profile.interests.all()]
        labels = [
            word
            for term in terms
            for text in (term.label_fr, term.label_nl, term.label_en, term.keywords)
            for word in normalise_words(text)
        ]
        body = normalise_words(" ".join([profile.hook, profile.typical_day, profile.training]))
        body += normalise_words(f"{profile.place} {profile.user.display_name}")

        def has(word: str, found: list[str]) -> bool:
            return any(candidate.startswith(word) for candidate in found)

        if not all(has(word, title + labels + body) for word in words):
            continue
        relevance = sum(10 if has(word, title) else 4 if has(word, labels) else 1 for word in words)
        shared = len(viewer_interests & {interest.pk for interest in profile.interests.all()})
        ranked.append(((relevance, shared, profile.updated_at, profile.pk), profile.pk))
    return [pk for _key, pk in sorted(ranked, reverse=True)]


@pytest.fixture
def gallery(db: None, make_user: Callable[..., User]) -> list[WitnessProfile]:
    rng = random.Random(20261125)
    sectors = list(Sector.objects.values_list("slug", flat=True))
    skills = list(Skill.objects.values_list("slug", flat=True))
    # Few interests, most of them the viewers', so that profiles often share two or three.
    interests = [*LIKED[:5], "cooking", "nature", "cinema"]
    profiles = []
    for n in range(36):
        profiles.append(
            make_witness(
                job_title=rng.choice(TITLES),
                sector=rng.choice(sectors),
                skills=tuple(rng.sample(skills, rng.randint(0, 2))),
                interests=tuple(rng.sample(interests, rng.randint(0, 3))),
                hook=" ".join(rng.sample(TEXT, 2)),
                typical_day=" ".join(rng.sample(TEXT, 4)),
                verified=n % 9 != 0,
            )
        )
    # Recency is not creation order: some profiles are edited again, later.
    for profile in rng.sample(profiles, 8):
        profile.save(update_fields=["updated_at"])
        services.search_entry_refresh(profile=profile)
    return profiles


@pytest.fixture(params=[0, 1, 3, 8], ids=lambda n: f"{n} interests")
def viewer(request: pytest.FixtureRequest, student: User) -> User:
    """Students without interests, with one, with a few (counted by pairs) and with many."""
    if request.param:
        profile = StudentProfile.objects.create(user=student)
        chosen = Interest.objects.filter(slug__in=LIKED[: request.param])
        others = Interest.objects.exclude(slug__in=LIKED).order_by("slug")
        profile.interests.set([*chosen, *others[: max(0, request.param - len(LIKED))]])
        assert profile.interests.count() == request.param
    return student


@pytest.mark.parametrize("query", QUERIES)
def test_tiers_rank_exactly_as_the_one_pass_definition(
    gallery: list[WitnessProfile], viewer: User, query: str
) -> None:
    expected = _reference(viewer, query)
    results = selectors.profile_search(viewer=viewer, filters=selectors.ProfileFilters(query))
    assert [profile.pk for profile in results] == expected
    assert results.count() == len(expected)
    # Every slice, wherever it starts and ends across the tiers.
    for start in range(0, len(expected) + 2, 3):
        for size in (1, 4, 7):
            got = [profile.pk for profile in results[start : start + size]]
            assert got == expected[start : start + size], (start, size)


def test_labels_can_outweigh_a_title_from_three_words(student: User) -> None:
    def in_title() -> WitnessProfile:  # "soins" in the title, the other words in the text
        return make_witness(
            job_title="Coordinatrice soins",
            sector="transport",
            hook="Santé, zorg en gezondheid op de baan.",
        )

    def in_labels() -> WitnessProfile:  # every word in the health sector's labels only
        return make_witness(job_title="Pilote", sector="health")

    title_1, labels_2 = in_title(), in_labels()
    # Two words: the title (10 + 1) beats the labels (4 + 4).
    assert _found(student, "sante soins") == [title_1.pk, labels_2.pk]
    # Three: 10 + 1 + 1 ties with 3 x 4, and the more recent comes first.
    assert _found(student, "sante soins zorg") == [labels_2.pk, title_1.pk]
    # Four: 4 x 4 beats 10 + 1 + 1 + 1, however recent the title match.
    labels_3, title_4 = in_labels(), in_title()
    assert _found(student, "sante soins zorg gezondheid") == [
        labels_3.pk,
        labels_2.pk,
        title_4.pk,
        title_1.pk,
    ]


@pytest.mark.parametrize("interests", [1, 3, 8])
def test_profiles_sharing_more_interests_come_first(student: User, interests: int) -> None:
    StudentProfile.objects.create(user=student).interests.set(
        Interest.objects.filter(slug__in=LIKED[:interests])
    )
    made = [
        (
            min(shared, interests),
            make_witness(job_title="Pilote", sector="transport", interests=tuple(LIKED[:shared])),
        )
        for shared in (3, 0, 2, 1)
        for _copy in range(2)
    ]
    # More shared interests first; as many, the most recently updated first.
    made.sort(key=lambda pair: (pair[0], pair[1].updated_at), reverse=True)
    expected = [profile.pk for _shared, profile in made]
    assert _found(student, "pilote") == expected
    assert _found(student) == expected


@pytest.mark.parametrize("query", ["", "e", "anim soins matin", "sant"])
def test_api_pages_join_up_to_the_full_ranking(
    gallery: list[WitnessProfile], viewer: User, api_client: APIClient, query: str
) -> None:
    api_client.force_authenticate(viewer)
    expected = _reference(viewer, query)
    seen: list[int] = []
    url: str | None = f"/api/profiles/?{urlencode({'q': query, 'page_size': 5})}"
    while url:
        body = api_client.get(url).json()
        seen += [card["id"] for card in body["results"]]
        url = body["next"]
    assert seen == expected
    past_the_end = api_client.get("/api/profiles/", {"q": query, "page": "99", "page_size": "5"})
    # Out-of-range pages are answered 404, as Django's own paginator does (issue 18).
    assert past_the_end.status_code == 404
    assert past_the_end.json()["error"]["code"] == "not_found"


def test_a_broad_word_reads_only_the_page_of_profiles(
    gallery: list[WitnessProfile], student: User
) -> None:
    results = selectors.profile_search(viewer=student, filters=selectors.ProfileFilters("e"))
    with CaptureQueriesContext(connection) as queries:
        page = results[0:5]
    assert len(page) == 5
    wide = [q["sql"] for q in queries.captured_queries if "profiles_witnessprofile" in q["sql"]]
    # The profiles of the page, and their interests: the ranking reads the index only.
    assert len(wide) == 2
    assert all(str(profile.pk) in wide[0] for profile in page)


def test_term_codes_match_whole_ids_only(db: None) -> None:
    short = make_witness(job_title="Pilote", sector="transport")
    long = make_witness(job_title="Pilote", sector="transport")
    ProfileSearchEntry.objects.filter(pk=short.pk).update(terms=" s1 i3 ")
    ProfileSearchEntry.objects.filter(pk=long.pk).update(terms=" s1 i30 ")

    def having(*codes: str) -> set[int]:
        entries = ProfileSearchEntry.objects.filter(lookups.word_any("terms", codes))
        return set(entries.values_list("pk", flat=True))

    assert having("i3") == {short.pk}
    assert having("i30") == {long.pk}
    assert having("i3", "i30") == {short.pk, long.pk}
    assert having("i") == set()


def test_unknown_filter_values_find_nothing(student: User) -> None:
    make_witness(job_title="Pilote", sector="transport")
    assert _found(student, sector="astrology") == []
    assert _found(student, skill="telepathy") == []


@pytest.mark.parametrize("words", [("two words",), ("a%",), ("a_b",), ("x'",), ()])
def test_lookups_accept_only_normalised_words(words: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="normalised word"):
        list(ProfileSearchEntry.objects.filter(lookups.prefix_any("title", words)))


def test_results_index_like_a_sequence(student: User) -> None:
    older = make_witness(job_title="Pilote", sector="transport")
    newer = make_witness(job_title="Pilote", sector="transport")
    results = selectors.profile_search(viewer=student, filters=selectors.ProfileFilters("pilot"))
    assert len(results) == 2
    assert (results[0].pk, results[1].pk, results[-1].pk) == (newer.pk, older.pk, older.pk)
    assert [p.pk for p in results[-1:]] == [older.pk]
    assert results[5:9] == []
    with pytest.raises(IndexError):
        results[2]
    with pytest.raises(ValueError, match="forwards"):
        results[::-1]
