"""Search relevance on a labelled set: accents, synonyms across fr/nl/en, partial words."""

import pytest
from rest_framework.test import APIClient

from gallery import selectors
from gallery.models import StudentProfile
from gallery.search import as_document, job_title_synonyms, normalise_words, query_words
from tests.factories import make_witness

pytestmark = pytest.mark.usefixtures("taxonomy")


def test_normalise_strips_accents_case_and_punctuation() -> None:
    assert normalise_words("Infirmière-CHEF à l'hôpital") == [
        "infirmiere",
        "chef",
        "a",
        "l",
        "hopital",
    ]
    assert as_document(["Élève", ""]) == " eleve "
    assert query_words("la infirmière de la infirmière") == ["infirmiere"]


def test_job_synonyms_cross_languages() -> None:
    synonyms = job_title_synonyms("Infirmière en pédiatrie")
    assert {"verpleegkundige", "nurse"} <= set(synonyms)
    assert job_title_synonyms("Astronaute") == []


@pytest.fixture
def labelled(db: None, taxonomy: None) -> dict[str, int]:
    profiles = {
        "nurse_fr": make_witness(job_title="Infirmière en pédiatrie", sector="health"),
        "nurse_nl": make_witness(job_title="Verpleegkundige op de spoed", sector="health"),
        "engineer": make_witness(job_title="Ingénieure civile", sector="engineering"),
        "developer": make_witness(
            job_title="Software developer", sector="tech", interests=("video-games",)
        ),
        "developer2": make_witness(job_title="Développeuse web", sector="tech"),
        "lawyer": make_witness(job_title="Avocate en droit de la jeunesse", sector="law"),
        "baker": make_witness(
            job_title="Boulanger",
            sector="crafts",
            typical_day="Je livre aussi le pain à un avocat du quartier.",
        ),
        "vet": make_witness(job_title="Dierenarts", sector="environment", interests=("animals",)),
    }
    return {name: profile.pk for name, profile in profiles.items()}


LABELLED_QUERIES = [
    ("infirmiere", {"nurse_fr", "nurse_nl"}),
    ("infirmière", {"nurse_fr", "nurse_nl"}),
    ("verpleegkundige", {"nurse_fr", "nurse_nl"}),
    ("NURSE", {"nurse_fr", "nurse_nl"}),
    ("ingén", {"engineer"}),
    ("ingenieur", {"engineer"}),
    ("engineer", {"engineer"}),
    ("developpeur", {"developer", "developer2"}),
    ("ontwikkelaar", {"developer", "developer2"}),
    ("lawyer", {"lawyer"}),
    ("veterinaire", {"vet"}),
    ("vet", {"vet"}),
    ("pédia", {"nurse_fr"}),
    ("santé", {"nurse_fr", "nurse_nl"}),
    ("zorg", {"nurse_fr", "nurse_nl"}),
    ("infirmiere spoed", {"nurse_nl"}),
    ("astronaute", set()),
]


@pytest.mark.parametrize(("query", "expected"), LABELLED_QUERIES)
def test_labelled_queries_find_exactly_the_relevant_profiles(
    labelled: dict[str, int], student, query: str, expected: set[str]
) -> None:
    results = selectors.profile_search(
        viewer=student, filters=selectors.ProfileFilters(query=query)
    )
    found = {name for name, pk in labelled.items() if pk in {p.pk for p in results}}
    assert found == expected


def test_title_match_ranks_above_a_mention_in_the_text(labelled: dict[str, int], student) -> None:
    results = list(
        selectors.profile_search(viewer=student, filters=selectors.ProfileFilters(query="avocat"))
    )
    assert [p.pk for p in results] == [labelled["lawyer"], labelled["baker"]]


def test_shared_interests_break_ties(labelled: dict[str, int], student) -> None:
    query = selectors.ProfileFilters(query="developer")
    profile = StudentProfile.objects.create(user=student)
    profile.interests.set([])
    first = [p.pk for p in selectors.profile_search(viewer=student, filters=query)]
    assert set(first) == {labelled["developer"], labelled["developer2"]}

    from gallery.models import Interest

    profile.interests.set([Interest.objects.get(slug="video-games")])
    ranked = [p.pk for p in selectors.profile_search(viewer=student, filters=query)]
    assert ranked[0] == labelled["developer"]
    # The other way round: the student's interest favours developer2.
    other = make_witness(
        job_title="Developer mobile", sector="tech", interests=("video-games", "music")
    )
    profile.interests.set(Interest.objects.filter(slug__in=["video-games", "music"]))
    ranked = [p.pk for p in selectors.profile_search(viewer=student, filters=query)]
    assert ranked[0] == other.pk


def test_filters_combine_with_text(
    labelled: dict[str, int], student, api_client: APIClient
) -> None:
    api_client.force_authenticate(student)
    body = api_client.get("/api/profiles/", {"q": "developer", "sector": "tech"}).json()
    assert {r["id"] for r in body["results"]} == {labelled["developer"], labelled["developer2"]}
    body = api_client.get("/api/profiles/", {"interest": "animals"}).json()
    assert [r["id"] for r in body["results"]] == [labelled["vet"]]
    body = api_client.get("/api/profiles/", {"sector": "law", "q": "boulanger"}).json()
    assert body["results"] == []


def test_language_and_format_filters(db: None, student, api_client: APIClient) -> None:
    both = make_witness(
        job_title="Pilote", sector="transport", languages=["nl", "en"], formats=["chat", "qa"]
    )
    french = make_witness(
        job_title="Pilote", sector="transport", languages=["fr"], formats=["in_person"]
    )
    api_client.force_authenticate(student)

    def ids(**params: str) -> set[int]:
        return {r["id"] for r in api_client.get("/api/profiles/", params).json()["results"]}

    assert ids(language="nl") == {both.pk}
    assert ids(language="fr") == {french.pk}
    assert ids(format="qa") == {both.pk}
    assert ids(format="in_person", q="pilot") == {french.pk}
    assert ids(language="de") == set()
