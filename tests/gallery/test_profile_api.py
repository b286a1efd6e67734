"""Profile API: permissions, editing with validation, saved lists, bad input changes nothing."""

import pytest

from gallery.models import SavedProfile, WitnessProfile
from tests.factories import make_witness

pytestmark = pytest.mark.usefixtures("taxonomy")

VALID_PROFILE = {
    "job_title": "Infirmière en pédiatrie",
    "hook": "Je soigne des enfants, et je ris beaucoup.",
    "sector": "health",
    "employer_type": "public",
    "skills": ["listening", "first-aid"],
    "interests": ["helping-people", "music"],
    "typical_day": "Je commence à 7 h.",
    "career_path": [
        {"start_year": 2015, "end_year": 2018, "title": "Bachelier infirmier", "place": "HE"},
        {"start_year": 2012, "end_year": 2015, "title": "Secondaire", "place": "Ixelles"},
    ],
    "training": "Bachelier en soins infirmiers.",
    "languages": ["fr", "nl"],
    "place": "Ixelles / Elsene",
    "video_url": "https://youtu.be/dQw4w9WgXcQ",
    "formats": ["chat", "qa"],
}


def test_professional_writes_and_previews_own_profile(professional, api_client) -> None:
    api_client.force_authenticate(professional)
    response = api_client.put("/api/profiles/me/", VALID_PROFILE, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["sector"]["slug"] == "health"
    assert [s["start_year"] for s in body["career_path"]] == [2012, 2015]
    assert body["video"] == {
        "provider": "youtube",
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    }
    assert api_client.get("/api/profiles/me/").json() == body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"video_url": "https://evil.example.com/watch?v=dQw4w9WgXcQ"}, "video_url"),
        ({"video_url": "http://youtu.be/dQw4w9WgXcQ"}, "video_url"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"sector": "astrology"}, "sector"),
        ({"skills": ["listening", "listening"]}, "skills"),
        ({"interests": ["no-such-interest"]}, "interests"),
        ({"job_title": "x" * 121}, "job_title"),
        ({"job_title": ""}, "job_title"),
        ({"typical_day": "x" * 4001}, "typical_day"),
        ({"languages": ["klingon"]}, "languages"),
        ({"formats": ["telepathy"]}, "formats"),
        ({"place": "Paris"}, "place"),
        ({"career_path": [{"start_year": 2030, "title": "Future"}]}, "career_path"),
        ({"career_path": [{"start_year": 2015, "end_year": 2010, "title": "x"}]}, "career_path"),
        ({"employer_type": "mafia"}, "employer_type"),
    ],
)
def test_bad_profile_input_is_400_and_stores_nothing(
    professional, api_client, change: dict[str, object], field: str
) -> None:
    api_client.force_authenticate(professional)
    response = api_client.put("/api/profiles/me/", {**VALID_PROFILE, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not WitnessProfile.objects.exists()


def test_html_is_stored_as_text(professional, api_client) -> None:
    api_client.force_authenticate(professional)
    hook = '<script>alert("x")</script><b>hi</b>'
    response = api_client.put("/api/profiles/me/", {**VALID_PROFILE, "hook": hook}, format="json")
    assert response.status_code == 200
    assert WitnessProfile.objects.get().hook == hook


def test_students_cannot_write_a_witness_profile(student, api_client) -> None:
    api_client.force_authenticate(student)
    response = api_client.put("/api/profiles/me/", VALID_PROFILE, format="json")
    assert response.status_code == 403
    assert not WitnessProfile.objects.exists()


def test_a_profile_is_only_changed_by_its_owner(professional, make_user, api_client) -> None:
    other = make_user(role="professional", verified=True)
    theirs = make_witness(other, job_title="Boulanger", sector="crafts")
    api_client.force_authenticate(professional)
    # There is no way to address another's profile for writing: /me/ is the caller's.
    assert (
        api_client.put(f"/api/profiles/{theirs.pk}/", VALID_PROFILE, format="json").status_code
        == 405
    )
    api_client.put("/api/profiles/me/", VALID_PROFILE, format="json")
    theirs.refresh_from_db()
    assert theirs.job_title == "Boulanger"


def test_unverified_profiles_are_hidden(student, api_client) -> None:
    hidden = make_witness(job_title="Boulanger", sector="crafts", verified=False)
    api_client.force_authenticate(student)
    assert api_client.get("/api/profiles/", {"q": "boulanger"}).json()["results"] == []
    assert api_client.get(f"/api/profiles/{hidden.pk}/").status_code == 404
    # Its owner still previews it.
    api_client.force_authenticate(hidden.user)
    assert api_client.get("/api/profiles/me/").json()["job_title"] == "Boulanger"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sector": "astrology"}, "sector"),
        ({"skill": "flying"}, "skill"),
        ({"interest": "nope"}, "interest"),
        ({"language": "xx"}, "language"),
        ({"format": "telepathy"}, "format"),
        ({"q": "x" * 201}, "q"),
        ({"page": "0"}, "page"),
    ],
)
def test_unknown_filter_values_are_400(student, api_client, params, field) -> None:
    api_client.force_authenticate(student)
    response = api_client.get("/api/profiles/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_gallery_requires_login(api_client) -> None:
    response = api_client.get("/api/profiles/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("unauthorized", "forbidden")


def test_gallery_pages(student, api_client) -> None:
    for n in range(30):
        make_witness(job_title=f"Pilote {n}", sector="transport")
    api_client.force_authenticate(student)
    first = api_client.get("/api/profiles/").json()
    assert len(first["results"]) == 24 and first["previous"] is None
    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 6 and second["next"] is None
    assert second["previous"] is not None
    all_ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(all_ids) == 30


def test_gallery_query_count_does_not_grow_with_results(
    student, api_client, django_assert_max_num_queries
) -> None:
    for n in range(20):
        make_witness(job_title=f"Pilote {n}", sector="transport", interests=("travel", "music"))
    api_client.force_authenticate(student)
    with django_assert_max_num_queries(8):
        body = api_client.get("/api/profiles/", {"q": "pilote"}).json()
    assert len(body["results"]) == 20


def test_save_and_unsave(student, api_client) -> None:
    profile = make_witness(job_title="Boulanger", sector="crafts")
    api_client.force_authenticate(student)
    assert api_client.put(f"/api/profiles/{profile.pk}/save/").status_code == 204
    assert api_client.put(f"/api/profiles/{profile.pk}/save/").status_code == 204
    assert SavedProfile.objects.count() == 1
    saved = api_client.get("/api/profiles/saved/").json()
    assert [card["id"] for card in saved] == [profile.pk]
    assert saved[0]["saved"] is True
    card = api_client.get("/api/profiles/").json()["results"][0]
    assert card["saved"] is True
    assert api_client.delete(f"/api/profiles/{profile.pk}/save/").status_code == 204
    assert api_client.get("/api/profiles/saved/").json() == []


def test_professionals_have_no_saved_list(professional, api_client) -> None:
    profile = make_witness(job_title="Boulanger", sector="crafts")
    api_client.force_authenticate(professional)
    assert api_client.put(f"/api/profiles/{profile.pk}/save/").status_code == 403
    assert not SavedProfile.objects.exists()


def test_student_sets_interests(student, api_client) -> None:
    api_client.force_authenticate(student)
    response = api_client.put(
        "/api/students/me/",
        {"interests": ["drawing", "animals"], "school": "Athénée", "study_track": "Sciences"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = api_client.get("/api/students/me/").json()
    assert sorted(body["interests"]) == ["animals", "drawing"]
    bad = api_client.put("/api/students/me/", {"interests": ["astrology"]}, format="json")
    assert bad.status_code == 400
    assert sorted(api_client.get("/api/students/me/").json()["interests"]) == [
        "animals",
        "drawing",
    ]


def test_taxonomy_labels_follow_the_language(student, api_client) -> None:
    api_client.force_authenticate(student)
    nl = api_client.get("/api/taxonomy/", HTTP_ACCEPT_LANGUAGE="nl").json()
    health = next(s for s in nl["sectors"] if s["slug"] == "health")
    assert health["label"] == "Gezondheid en zorg"
