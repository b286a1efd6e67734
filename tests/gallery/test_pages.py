"""The gallery pages through Django's test client: explore, profile, save, editor, preview,
interests, surprise me, saved, in French, Dutch and English."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gallery import services
from gallery.discovery import DISCOVERY_SIZE
from gallery.models import Interest, ProfileView, SavedProfile, StudentProfile, WitnessProfile
from tests.factories import UserFactory, make_witness

pytestmark = pytest.mark.django_db

EXPLORE = "/explore/"


@pytest.fixture(autouse=True)
def taxonomy(db: None) -> None:
    """The taxonomy rows (a transactional test before this one may have flushed them)."""
    services.taxonomy_sync()


def html(response: Any) -> str:
    return str(response.content.decode())


def speak(client: Client, language: str) -> Client:
    client.cookies["django_language"] = language
    return client


def card_titles(page: str) -> list[str]:
    return re.findall(r'<a class="card__link" href="/explore/\d+/">([^<]*)</a>', page)


@pytest.fixture
def nurse() -> WitnessProfile:
    return make_witness(
        job_title="Infirmière en pédiatrie",
        sector="health",
        skills=("listening", "first-aid"),
        interests=("helping-people", "children"),
        hook="Je soigne des enfants et je rassure leurs parents.",
        languages=["fr", "nl"],
        formats=["chat", "qa"],
        place="Jette",
        career_path=[
            {"start_year": 2012, "end_year": 2015, "title": "Bachelier infirmier", "place": "Bxl"},
            {"start_year": 2015, "end_year": None, "title": "Infirmière", "place": "Jette"},
        ],
        typical_day="Je commence à 7 h.\n\nPuis tout peut arriver.",
        training="Bachelier en soins infirmiers.",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        employer_type="public",
    )


@pytest.fixture
def developer() -> WitnessProfile:
    return make_witness(
        job_title="Développeuse web",
        sector="tech",
        skills=("programming",),
        interests=("video-games", "drawing"),
        hook="Je code des applis.",
        languages=["en"],
        formats=["one_to_one"],
        place="Ixelles / Elsene",
    )


@pytest.fixture
def signed_in_student(client: Client, student: Any) -> Client:
    client.force_login(student)
    return client


# --- Explore --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["infirmiere", "verpleegkundige", "nurse", "INFIRMIÈRE", "infirm"]
)
def test_search_finds_the_nurse_across_accents_and_languages(
    signed_in_student: Client, nurse: WitnessProfile, developer: WitnessProfile, query: str
) -> None:
    response = signed_in_student.get(EXPLORE, {"q": query})
    assert response.status_code == 200
    assert card_titles(html(response)) == ["Infirmière en pédiatrie"]


def test_gallery_without_a_query_shows_every_verified_profile_with_its_card(
    signed_in_student: Client, nurse: WitnessProfile, developer: WitnessProfile
) -> None:
    make_witness(job_title="Pharmacien caché", sector="health", verified=False)
    page = html(speak(signed_in_student, "en").get(EXPLORE))
    assert sorted(card_titles(page)) == ["Développeuse web", "Infirmière en pédiatrie"]
    assert "2 professionals found" in page
    assert "Pharmacien" not in page
    # Initials on a circle coloured by sector, the hook, the place, the formats.
    initials = "".join(word[0] for word in nurse.user.display_name.split()[:2]).upper()
    assert f'<span class="avatar avatar--health" aria-hidden="true">{initials}</span>' in page
    assert "Je soigne des enfants" in page
    assert '<li class="badge">Video Q&amp;A</li>' in page
    # A bilingual commune in English keeps both names; in Dutch, the Dutch one.
    assert "Ixelles / Elsene" in page
    dutch = html(speak(signed_in_student, "nl").get(EXPLORE))
    assert '<span class="visually-hidden">Werkt in </span>Elsene</p>' in dutch


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "tech"}, ["Développeuse web"]),
        ({"skill": "first-aid"}, ["Infirmière en pédiatrie"]),
        ({"interest": "drawing"}, ["Développeuse web"]),
        ({"language": "nl"}, ["Infirmière en pédiatrie"]),
        ({"format": "one_to_one"}, ["Développeuse web"]),
        ({"format": "chat", "sector": "tech"}, []),
        ({"q": "web", "language": "en"}, ["Développeuse web"]),
    ],
)
def test_filters(
    signed_in_student: Client,
    nurse: WitnessProfile,
    developer: WitnessProfile,
    params: dict[str, str],
    expected: list[str],
) -> None:
    response = speak(signed_in_student, "en").get(EXPLORE, params)
    assert response.status_code == 200
    page = html(response)
    assert card_titles(page) == expected
    # Each active filter can be removed with one link; the select keeps the choice.
    for key, value in params.items():
        if key != "q":
            assert re.search(rf'<option value="{value}" selected>', page)
    assert page.count('class="active-filter"') == len([k for k in params if k != "q"])


def test_no_results_help_suggests_removing_a_filter_and_surprise_me(
    signed_in_student: Client, nurse: WitnessProfile
) -> None:
    page = html(speak(signed_in_student, "en").get(EXPLORE, {"q": "nurse", "sector": "tech"}))
    assert "No professional found" in page
    assert "Nobody matches this search" in page
    assert 'href="?q=nurse">IT and digital</a>' in page
    assert f'href="{reverse("gallery:surprise")}"' in page
    assert "“ingén” also finds “ingénieure”" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sector": "astrology"}, "“astrology” is not a sector we know."),
        ({"skill": "<b>x</b>"}, "“&lt;b&gt;x&lt;/b&gt;” is not a skill we know."),
        ({"interest": "nope"}, "“nope” is not an interest we know."),
        ({"language": "klingon"}, "“klingon” is not a language we know."),
        ({"format": "telepathy"}, "“telepathy” is not a meeting format we know."),
        ({"page": "abc"}, "“abc” is not a page number."),
        ({"page": "0"}, "“0” is not a page number."),
        ({"q": "x" * 201}, "Your search is too long: keep it under 200 characters."),
    ],
)
def test_invalid_filters_get_a_clear_message_and_no_results(
    signed_in_student: Client, nurse: WitnessProfile, params: dict[str, str], message: str
) -> None:
    response = speak(signed_in_student, "en").get(EXPLORE, params)
    assert response.status_code == 400
    page = html(response)
    assert message in page
    assert "We could not use this search." in page
    assert card_titles(page) == []
    # The page still works: the search box and the filters are there.
    assert 'role="search"' in page
    assert 'name="sector"' in page
    assert len(re.findall(r"<h1[ >]", page)) == 1


def test_invalid_filter_in_french(signed_in_student: Client) -> None:
    page = html(signed_in_student.get(EXPLORE, {"sector": "astrology"}))
    assert "On ne connaît pas le secteur «\u00a0astrology\u00a0»." in page


def test_pages_of_results(signed_in_student: Client) -> None:
    for n in range(14):
        make_witness(job_title=f"Menuisier {n:02}", sector="crafts")
    page = html(speak(signed_in_student, "en").get(EXPLORE, {"q": "menuisier"}))
    assert len(card_titles(page)) == 12
    assert "14 professionals found" in page
    assert 'href="?q=menuisier&amp;page=2" rel="next" data-more' in page
    second = html(speak(signed_in_student, "en").get(EXPLORE, {"q": "menuisier", "page": "2"}))
    assert len(card_titles(second)) == 2
    assert "page 2" in second
    assert 'href="?q=menuisier" rel="prev"' in second
    assert 'rel="next"' not in second
    beyond = html(speak(signed_in_student, "en").get(EXPLORE, {"q": "menuisier", "page": "9"}))
    assert "There is nothing more on this page." in beyond


def test_partial_returns_the_results_alone(
    signed_in_student: Client, nurse: WitnessProfile
) -> None:
    response = speak(signed_in_student, "en").get(EXPLORE, {"q": "nurse", "partial": "1"})
    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert 'data-count-text="1 professional found"' in page
    assert card_titles(page) == ["Infirmière en pédiatrie"]
    # Save buttons come back to the full page, never to the partial one.
    assert 'name="next" value="/explore/?q=nurse"' in page


def test_students_interests_nudge_the_order(
    signed_in_student: Client, student: Any, nurse: WitnessProfile, developer: WitnessProfile
) -> None:
    profile = StudentProfile.objects.create(user=student)
    profile.interests.set(Interest.objects.filter(slug="drawing"))
    assert card_titles(html(signed_in_student.get(EXPLORE)))[0] == "Développeuse web"
    profile.interests.set(Interest.objects.filter(slug="children"))
    assert card_titles(html(signed_in_student.get(EXPLORE)))[0] == "Infirmière en pédiatrie"


def test_explore_needs_login_and_a_bounded_number_of_queries(
    client: Client,
    student: Any,
    nurse: WitnessProfile,
    developer: WitnessProfile,
    django_assert_max_num_queries: Any,
) -> None:
    response = client.get(EXPLORE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    client.force_login(student)
    for n in range(10):
        make_witness(job_title=f"Architecte {n}", sector="construction", interests=("drawing",))
    with django_assert_max_num_queries(14):
        assert client.get(EXPLORE).status_code == 200


# --- Profile --------------------------------------------------------------------------------------


def test_profile_page_shows_everything_and_records_the_view(
    signed_in_student: Client, student: Any, nurse: WitnessProfile
) -> None:
    response = speak(signed_in_student, "en").get(f"/explore/{nurse.pk}/")
    assert response.status_code == 200
    page = html(response)
    assert '<h1 class="profile-head__title">Infirmière en pédiatrie</h1>' in page
    for text in (
        nurse.user.display_name,
        "Health and care",
        "Public sector",
        "Jette",
        "French, Dutch",
        "Chat",
        "Listening",
        "First aid",
        "Helping people",
        "Children",
        "Bachelier en soins infirmiers.",
        "2012\u20132015",
        "Since 2015",
    ):
        assert text in page, text
    # The typical day keeps its paragraphs.
    assert "<p>Je commence à 7 h.</p>" in page
    # The video: privacy-friendly player, titled, lazy.
    iframe = re.search(r"<iframe[^>]*>", page)
    assert iframe is not None
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in iframe.group()
    assert 'loading="lazy"' in iframe.group()
    assert f'title="Video: {nurse.user.display_name}, Infirmière en pédiatrie"' in iframe.group()
    assert 'aria-pressed="false"' in page
    assert ProfileView.objects.filter(student=student, profile=nurse).exists()


def test_no_video_no_iframe(signed_in_student: Client, developer: WitnessProfile) -> None:
    page = html(signed_in_student.get(f"/explore/{developer.pk}/"))
    assert "<iframe" not in page


def test_unverified_and_unknown_profiles_are_not_found(signed_in_student: Client) -> None:
    hidden = make_witness(job_title="Pharmacien", sector="health", verified=False)
    assert signed_in_student.get(f"/explore/{hidden.pk}/").status_code == 404
    assert signed_in_student.get("/explore/999999/").status_code == 404
    assert signed_in_student.get(EXPLORE, {"q": "pharmacien"}).content.count(b"card__link") == 0


def test_html_in_profile_fields_is_shown_as_text(signed_in_student: Client) -> None:
    script = "<script>alert('x')</script>"
    profile = make_witness(
        job_title=f"Chef {script}",
        sector="hospitality",
        hook=f"<b>Bold</b> {script}",
        typical_day=f"<img src=x onerror=alert(1)> {script}",
        training=script,
        career_path=[{"start_year": 2010, "end_year": None, "title": script, "place": script}],
    )
    for path in (EXPLORE, f"/explore/{profile.pk}/", f"{EXPLORE}?q=chef&partial=1"):
        page = html(signed_in_student.get(path))
        assert "<script>alert" not in page, path
        assert "<b>Bold</b>" not in page, path
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page, path
    assert "<img src=x" not in html(signed_in_student.get(f"/explore/{profile.pk}/"))


def test_contact_and_booking_links_appear_only_when_their_pages_exist(
    signed_in_student: Client, nurse: WitnessProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gallery import views as gallery_views

    monkeypatch.setattr(gallery_views, "optional_url", lambda name, *args: None)
    page = html(speak(signed_in_student, "en").get(f"/explore/{nurse.pk}/"))
    assert "Ask for contact" not in page
    assert "Book a meeting" not in page

    monkeypatch.setattr(
        gallery_views, "optional_url", lambda name, *args: f"/{name.replace(':', '/')}/{args[0]}/"
    )
    page = html(speak(signed_in_student, "en").get(f"/explore/{nurse.pk}/"))
    assert f'href="/chat/contact_request/{nurse.user_id}/"' in page
    assert f'href="/scheduling/professional_slots/{nurse.user_id}/"' in page


def test_professionals_browse_without_save_or_contact_buttons(
    client: Client, professional: Any, nurse: WitnessProfile
) -> None:
    client.force_login(professional)
    page = html(speak(client, "en").get(f"/explore/{nurse.pk}/"))
    assert "aria-pressed" not in page
    assert "Book a meeting" not in page
    assert not ProfileView.objects.exists()
    assert client.post(f"/explore/{nurse.pk}/save/", {"saved": "1"}).status_code == 403


# --- Saving -------------------------------------------------------------------------------------


def test_save_and_unsave_without_javascript(
    signed_in_student: Client, student: Any, nurse: WitnessProfile
) -> None:
    response = signed_in_student.post(
        f"/explore/{nurse.pk}/save/", {"saved": "1", "next": "/explore/?q=nurse"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/explore/?q=nurse"
    assert SavedProfile.objects.filter(student=student, profile=nurse).exists()
    page = html(speak(signed_in_student, "en").get("/saved/"))
    assert card_titles(page) == ["Infirmière en pédiatrie"]
    assert 'aria-pressed="true"' in page
    assert "1 saved professional" in page

    response = signed_in_student.post(
        f"/explore/{nurse.pk}/save/", {"saved": "0", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/explore/{nurse.pk}/"
    assert not SavedProfile.objects.exists()
    assert "Nothing saved yet." in html(speak(signed_in_student, "en").get("/saved/"))


def test_save_in_place_answers_json(signed_in_student: Client, nurse: WitnessProfile) -> None:
    response = speak(signed_in_student, "nl").post(
        f"/explore/{nurse.pk}/save/", {"saved": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"saved": True, "message": "Bewaard in je lijst."}


def test_saving_needs_a_visible_profile_and_the_csrf_token(
    student: Any, signed_in_student: Client
) -> None:
    hidden = make_witness(job_title="Pharmacien", sector="health", verified=False)
    assert signed_in_student.post(f"/explore/{hidden.pk}/save/", {"saved": "1"}).status_code == 404
    assert signed_in_student.get(f"/explore/{hidden.pk}/save/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    visible = make_witness(job_title="Juge", sector="law")
    assert strict.post(f"/explore/{visible.pk}/save/", {"saved": "1"}).status_code == 403
    assert not SavedProfile.objects.exists()


# --- Editor and preview ---------------------------------------------------------------------------

VALID = {
    "job_title": "Électricienne en bâtiment",
    "hook": "Je rends la lumière aux maisons.",
    "sector": "construction",
    "employer_type": "private",
    "skills": ["manual-skills", "precision"],
    "interests": ["building", "music"],
    "typical_day": "Chantier le matin, dépannages l'après-midi.",
    "career_0_start_year": "2014",
    "career_0_end_year": "2017",
    "career_0_title": "CESS technique électricité",
    "career_0_place": "Anderlecht",
    "career_1_start_year": "2017",
    "career_1_end_year": "",
    "career_1_title": "Électricienne",
    "career_1_place": "",
    "career_2_start_year": "",
    "career_2_end_year": "",
    "career_2_title": "",
    "career_2_place": "",
    "training": "Enseignement technique, puis apprentissage.",
    "languages": ["fr", "ar"],
    "place": "Forest / Vorst",
    "video_url": "https://youtu.be/dQw4w9WgXcQ",
    "formats": ["chat", "in_person"],
}


@pytest.fixture
def pro_client(client: Client, make_user: Any) -> Client:
    client.force_login(make_user(role="professional", verified=False, display_name="Nadia B"))
    return client


def test_editor_saves_valid_input_and_shows_the_preview(pro_client: Client) -> None:
    assert pro_client.get("/me/profile/preview/").status_code == 302
    page = html(speak(pro_client, "en").get("/me/profile/"))
    assert "Create my profile" in page
    assert "Students will see your profile after verification" in page

    response = pro_client.post("/me/profile/", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/me/profile/preview/"
    profile = WitnessProfile.objects.get(job_title="Électricienne en bâtiment")
    assert profile.sector.slug == "construction"
    assert sorted(s.slug for s in profile.skills.all()) == ["manual-skills", "precision"]
    assert profile.career_path == [
        {
            "start_year": 2014,
            "end_year": 2017,
            "title": "CESS technique électricité",
            "place": "Anderlecht",
        },
        {"start_year": 2017, "end_year": None, "title": "Électricienne", "place": ""},
    ]
    assert profile.languages == ["fr", "ar"]
    assert profile.video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

    preview = html(speak(pro_client, "en").get("/me/profile/preview/"))
    assert "Preview: this is how students see your profile" in preview
    assert "Students will see it once your account is verified." in preview
    assert '<h1 class="profile-head__title">Électricienne en bâtiment</h1>' in preview
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in preview
    assert "Since 2017" in preview
    # The editor now holds the saved values, and one more empty step.
    editor = html(speak(pro_client, "en").get("/me/profile/"))
    assert "Edit my profile" in editor
    assert 'value="CESS technique électricité"' in editor
    assert re.search(r'value="manual-skills" id="id_skills_\d+" checked', editor)
    assert 'name="career_4_title"' in editor


def test_editor_refuses_a_video_from_elsewhere_with_a_field_error(pro_client: Client) -> None:
    data = {**VALID, "video_url": "https://www.dailymotion.com/video/x8abc"}
    response = speak(pro_client, "en").post("/me/profile/", data)
    assert response.status_code == 200
    page = html(response)
    assert not WitnessProfile.objects.exists()
    assert 'id="id_video_url_error"' in page
    assert "Only YouTube or Vimeo video links can be shown" in page
    widget = re.search(r'<input[^>]*name="video_url"[^>]*>', page)
    assert widget is not None
    assert 'aria-invalid="true"' in widget.group()
    assert "id_video_url_error" in widget.group()
    assert 'href="#id_video_url"' in page
    # What was typed is kept.
    assert 'value="Électricienne en bâtiment"' in page

    french = html(speak(pro_client, "fr").post("/me/profile/", data))
    assert "Seuls les liens vidéo YouTube ou Vimeo peuvent être affichés" in french


def test_editor_errors_go_to_their_field_and_nothing_is_stored(pro_client: Client) -> None:
    existing = {**VALID}
    assert pro_client.post("/me/profile/", existing).status_code == 302
    data = {
        **VALID,
        "job_title": "",
        "sector": "",
        "hook": "x" * 161,
        "career_1_start_year": "2999",
        "career_2_title": "Stage",
        "place": "Atlantis",
    }
    page = html(speak(pro_client, "en").post("/me/profile/", data))
    assert "Tell students what your job is called." in page
    assert "Choose the sector of your job." in page
    assert 'id="id_hook_error"' in page
    assert 'id="id_place_error"' in page
    assert 'id="id_career_1_start_year_error"' in page
    assert "A step cannot start in the future." in page
    assert 'id="id_career_2_start_year_error"' in page
    assert "Give the year this step started." in page
    assert 'href="#id_career_1_start_year"' in page
    profile = WitnessProfile.objects.get()
    assert profile.job_title == "Électricienne en bâtiment"
    assert profile.place == "Forest / Vorst"


def test_editor_takes_rows_added_by_javascript(pro_client: Client) -> None:
    data = {**VALID, "career_7_start_year": "2020", "career_7_title": "Formatrice"}
    assert pro_client.post("/me/profile/", data).status_code == 302
    steps = WitnessProfile.objects.get().career_path
    assert [step["title"] for step in steps] == [
        "CESS technique électricité",
        "Électricienne",
        "Formatrice",
    ]


def test_editor_refuses_unknown_taxonomy_values(pro_client: Client) -> None:
    data = {**VALID, "skills": ["telepathy"], "languages": ["xx"], "formats": ["pigeon"]}
    page = html(speak(pro_client, "en").post("/me/profile/", data))
    for field in ("skills", "languages", "formats"):
        assert f'id="id_{field}_error"' in page
        assert f'href="#id_{field}_0"' in page
    assert not WitnessProfile.objects.exists()


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("student", "/me/profile/"),
        ("student", "/me/profile/preview/"),
        ("professional", "/me/interests/"),
        ("professional", "/surprise/"),
        ("professional", "/saved/"),
        ("organiser", "/me/profile/"),
        ("organiser", "/surprise/"),
    ],
)
def test_pages_are_for_one_role(client: Client, make_user: Any, role: str, path: str) -> None:
    client.force_login(make_user(role=role, verified=True))
    response = speak(client, "en").get(path)
    assert response.status_code == 403
    assert "This page is not for your account" in html(response)
    # Pages that only show something refuse POST before anything else.
    assert client.post(path, VALID).status_code in (403, 405)
    assert not WitnessProfile.objects.exists()
    assert not StudentProfile.objects.exists()


# --- Interests ------------------------------------------------------------------------------------


def test_student_sets_interests_school_and_track(signed_in_student: Client, student: Any) -> None:
    page = html(speak(signed_in_student, "nl").get("/me/interests/"))
    assert "Wat doe je graag?" in page
    assert ">Tekenen</label>" in page
    response = signed_in_student.post(
        "/me/interests/",
        {
            "interests": ["drawing", "animals"],
            "school": "Athénée",
            "study_track": "5e, sciences",
            "next": "/surprise/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/surprise/"
    profile = StudentProfile.objects.get(user=student)
    assert sorted(i.slug for i in profile.interests.all()) == ["animals", "drawing"]
    assert (profile.school, profile.study_track) == ("Athénée", "5e, sciences")
    page = html(signed_in_student.get("/me/interests/"))
    assert re.search(r'value="drawing" id="id_interests_\d+" checked', page)
    # Clearing every interest is allowed.
    assert signed_in_student.post("/me/interests/", {"school": ""}).status_code == 302
    assert not profile.interests.exists()


def test_interests_refuse_unknown_values_and_long_text(
    signed_in_student: Client, student: Any
) -> None:
    page = html(
        speak(signed_in_student, "en").post(
            "/me/interests/", {"interests": ["astrology"], "school": "x" * 121}
        )
    )
    assert 'id="id_interests_error"' in page
    assert 'id="id_school_error"' in page
    assert not StudentProfile.objects.filter(user=student).exists()


# --- Surprise me ----------------------------------------------------------------------------------


@pytest.fixture
def gallery_of_twenty() -> None:
    sectors = ["health", "tech", "law", "arts", "crafts", "sport", "science", "transport"]
    for n in range(20):
        interests = ("drawing",) if n % 2 else ("music",)
        make_witness(job_title=f"Métier {n}", sector=sectors[n % len(sectors)], interests=interests)


def test_surprise_shows_explanations_and_again_gives_another_set(
    signed_in_student: Client, student: Any, gallery_of_twenty: None
) -> None:
    StudentProfile.objects.create(user=student).interests.set(
        Interest.objects.filter(slug="drawing")
    )
    page = html(signed_in_student.get("/surprise/"))
    first = card_titles(page)
    assert len(first) == DISCOVERY_SIZE
    assert "Parce que tu aimes" in page
    assert "dessin" in page
    assert "Un secteur que tu n" in page  # "A sector you have not explored yet"
    assert "Tell us what you like" not in page
    # Coming back (after opening a card) shows the same set.
    assert card_titles(html(signed_in_student.get("/surprise/"))) == first

    response = speak(signed_in_student, "en").post("/surprise/")
    assert response.status_code == 302
    page = html(signed_in_student.get("/surprise/"))
    second = card_titles(page)
    assert len(second) == DISCOVERY_SIZE
    assert set(second).isdisjoint(first)
    assert "Because you like drawing" in page
    assert "Here is a new set, just for you." in page


def test_surprise_works_without_interests_and_invites_to_choose_some(
    signed_in_student: Client, gallery_of_twenty: None
) -> None:
    page = html(speak(signed_in_student, "en").get("/surprise/"))
    assert len(card_titles(page)) == DISCOVERY_SIZE
    assert "A sector you have not explored yet" in page
    assert "Tell us what you like" in page
    assert 'href="/me/interests/?next=/surprise/"' in page


def test_surprise_with_an_empty_gallery(signed_in_student: Client) -> None:
    page = html(speak(signed_in_student, "en").get("/surprise/"))
    assert "No professionals to show yet." in page


def test_surprise_drops_a_profile_that_became_invisible(
    signed_in_student: Client, gallery_of_twenty: None
) -> None:
    first = card_titles(html(signed_in_student.get("/surprise/")))
    hidden = WitnessProfile.objects.get(job_title=first[0])
    hidden.user.verified = False
    hidden.user.save()
    assert card_titles(html(signed_in_student.get("/surprise/"))) == first[1:]


# --- Navigation and homes -------------------------------------------------------------------------


def test_student_navigation_and_home(signed_in_student: Client, student: Any) -> None:
    page = html(speak(signed_in_student, "en").get("/home/"))
    nav = page.split('<nav class="site-nav"')[1].split("</nav>")[0]
    for label, url in (
        ("Explore jobs", "/explore/"),
        ("Surprise me", "/surprise/"),
        ("Saved", "/saved/"),
    ):
        assert f'href="{url}">{label}</a>' in nav
    assert "/me/interests/" not in nav
    assert '<a class="card__link" href="/me/interests/">My interests</a>' in page
    assert "Choose my interests" in page
    StudentProfile.objects.create(user=student).interests.set(Interest.objects.all()[:2])
    assert "Choose my interests" not in html(speak(signed_in_student, "en").get("/home/"))


def test_professional_navigation_and_home(client: Client, professional: Any) -> None:
    client.force_login(professional)
    page = html(speak(client, "en").get("/home/"))
    assert 'class="site-nav__link" href="/me/profile/">My profile</a>' in page
    assert "Create your witness profile" in page
    make_witness(professional, job_title="Juge", sector="law")
    page = html(speak(client, "en").get("/home/"))
    assert "Your witness profile" in page
    assert 'href="/me/profile/preview/"' in page


# --- Languages ------------------------------------------------------------------------------------

PAGES = {
    "explore": (
        "student",
        "/explore/",
        {"fr": "Explorer les métiers", "nl": "Beroepen ontdekken", "en": "Explore jobs"},
    ),
    "profile": (
        "student",
        "/explore/{id}/",
        {"fr": "Une journée type", "nl": "Een gewone werkdag", "en": "A typical day"},
    ),
    "surprise": (
        "student",
        "/surprise/",
        {"fr": "Encore une surprise", "nl": "Verras me opnieuw", "en": "Surprise me again"},
    ),
    "saved": (
        "student",
        "/saved/",
        {"fr": "Pros enregistrés", "nl": "Bewaarde professionals", "en": "Saved professionals"},
    ),
    "interests": (
        "student",
        "/me/interests/",
        {"fr": "Qu\u2019est-ce que tu aimes", "nl": "Wat doe je graag", "en": "What do you like"},
    ),
    "editor": (
        "professional",
        "/me/profile/",
        {"fr": "Créer mon profil", "nl": "Mijn profiel maken", "en": "Create my profile"},
    ),
}


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_speak_each_language(
    client: Client, nurse: WitnessProfile, name: str, language: str
) -> None:
    role, path, text = PAGES[name]
    client.force_login(UserFactory.create(role=role, verified=True))
    response = speak(client, language).get(path.format(id=nurse.pk))
    assert response.status_code == 200
    page = html(response)
    assert f'<html lang="{language}"' in page
    assert text[language] in page
    assert len(re.findall(r"<h1[ >]", page)) == 1
    # Nothing loads from elsewhere, except the video player of a profile.
    external = re.findall(r"""(?:src|href|action)=["']?((?:https?:)?//[^"' >]+)""", page)
    assert all(url.startswith("https://www.youtube-nocookie.com/") for url in external), external
