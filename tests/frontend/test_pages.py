"""The shell's pages through Django's test client: languages, register, login, logout, home."""

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from tests.factories import DEFAULT_PASSWORD

User = get_user_model()
pytestmark = pytest.mark.django_db

STUDENT = {
    "role": "student",
    "display_name": "Léa",
    "username": "lea",
    "password": "correct-horse-battery",
    "birth_year": "2010",
}

# One phrase per page and language, from our catalogues (not Django's).
PAGE_TEXT = {
    "/": {"fr": "Découvre les métiers", "nl": "Ontdek beroepen", "en": "Discover jobs"},
    "/register/": {"fr": "Je suis élève", "nl": "Ik ben leerling", "en": "Who are you?"},
    "/login/": {"fr": "Content de te revoir", "nl": "Fijn je terug te zien", "en": "Welcome back"},
}


def html(response: Any) -> str:
    return str(response.content.decode())


def speak(client: Client, language: str) -> Client:
    """Choose the language as the switch does (a signed-in user's stored one applies otherwise)."""
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("path", list(PAGE_TEXT))
def test_public_pages_speak_each_language(client: Client, path: str, language: str) -> None:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = html(response)
    assert f'<html lang="{language}"' in page
    assert PAGE_TEXT[path][language] in page
    assert len(re.findall(r"<h1[ >]", page)) == 1


def test_french_is_the_default(client: Client) -> None:
    assert '<html lang="fr"' in html(client.get("/"))


@pytest.mark.parametrize("path", ["/", "/register/", "/login/"])
def test_pages_load_nothing_from_elsewhere(client: Client, path: str) -> None:
    page = html(client.get(path))
    assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", page)
    assert "@import" not in page


def test_language_switch_names_each_language_in_itself(client: Client) -> None:
    page = html(client.get("/", HTTP_ACCEPT_LANGUAGE="nl"))
    for code, name in (("fr", "Français"), ("nl", "Nederlands"), ("en", "English")):
        assert f'value="{code}" lang="{code}"' in page
        assert f">{name}</button>" in page
    assert 'value="nl" lang="nl" aria-current="true"' in page


# --- Register ---------------------------------------------------------------------------------


def test_register_student_creates_the_user_logs_in_and_lands_on_home(client: Client) -> None:
    response = client.post("/register/", STUDENT, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    user = User.objects.get(username="lea")
    assert (user.role, user.display_name, user.birth_year) == ("student", "Léa", 2010)
    # The language the visitor used becomes the account's language.
    assert user.preferred_language == "nl"

    home = client.get("/home/", HTTP_ACCEPT_LANGUAGE="nl")
    assert home.status_code == 200
    assert "Hoi Léa!" in html(home)
    assert "Welkom op Backstage, Léa!" in html(home)


def test_register_professional_needs_no_birth_year_and_starts_unverified(client: Client) -> None:
    data = {**STUDENT, "role": "professional", "username": "marc", "birth_year": ""}
    data["email"] = "marc@example.be"  # asked of professionals
    response = client.post("/register/", data)
    assert response.status_code == 302
    user = User.objects.get(username="marc")
    assert (user.role, user.verified, user.birth_year) == ("professional", False, None)
    assert "Votre compte attend sa vérification" in html(client.get("/home/"))


def test_student_without_birth_year_gets_a_field_error_and_nothing_is_stored(
    client: Client,
) -> None:
    response = client.post("/register/", {**STUDENT, "birth_year": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = html(response)
    assert not User.objects.exists()
    # The message comes from accounts.services.user_register, tied to the field.
    assert 'id="id_birth_year_error"' in page
    assert "Students give their birth year." in page
    widget = re.search(r"<input[^>]*name=\"birth_year\"[^>]*>", page)
    assert widget is not None
    assert 'aria-invalid="true"' in widget.group()
    assert "id_birth_year_error" in widget.group()
    # Announced: the summary is an alert that links to the field.
    assert 'role="alert"' in page
    assert 'href="#id_birth_year"' in page


def test_weak_password_shows_djangos_validator_messages(client: Client) -> None:
    response = client.post("/register/", {**STUDENT, "password": "12345678"})
    page = html(response)
    assert not User.objects.exists()
    assert 'id="id_password_error"' in page
    assert "Ce mot de passe est entièrement numérique." in page


def test_taken_username_is_a_field_error(client: Client, make_user: Any) -> None:
    make_user(username="Lea")
    page = html(client.post("/register/", STUDENT, HTTP_ACCEPT_LANGUAGE="en"))
    assert "This username is already taken." in page
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "moderator"}, "role"),
        ({"username": "a b"}, "username"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_register_rejects_bad_shapes(client: Client, change: dict[str, str], field: str) -> None:
    page = html(client.post("/register/", {**STUDENT, **change}))
    assert f'id="id_{field}_error"' in page
    # The summary links to the field (a radio group: to its first button).
    target = "id_role_0" if field == "role" else f"id_{field}"
    assert f'href="#{target}"' in page
    assert not User.objects.exists()


def test_register_can_preselect_the_professional_role(client: Client) -> None:
    page = html(client.get("/register/?role=professional"))
    assert re.search(r'value="professional"[^>]*checked', page)


def test_register_and_login_need_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/register/", STUDENT).status_code == 403
    assert client.post("/login/", {"username": "x", "password": "y"}).status_code == 403
    assert not User.objects.exists()


# --- Login, logout, home ------------------------------------------------------------------------


def test_login_shows_a_clear_error_then_signs_in(client: Client, student: Any) -> None:
    wrong = client.post("/login/", {"username": student.username, "password": "nope"})
    assert wrong.status_code == 200
    page = html(wrong)
    assert 'role="alert"' in page
    assert "Saisissez un nom d\u2019utilisateur et un mot de passe valides" in page
    assert 'aria-describedby="non-field-error-1"' in page

    right = client.post("/login/", {"username": student.username, "password": DEFAULT_PASSWORD})
    assert right.status_code == 302
    assert right["Location"] == "/home/"


def test_login_follows_next(client: Client, student: Any) -> None:
    response = client.post(
        "/login/?next=/home/%3Ftab%3D1",
        {"username": student.username, "password": DEFAULT_PASSWORD, "next": "/home/?tab=1"},
    )
    assert response["Location"] == "/home/?tab=1"


def test_signed_in_users_skip_landing_login_and_register(client: Client, student: Any) -> None:
    client.force_login(student)
    for path in ("/", "/login/", "/register/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/home/"


def test_home_requires_login(client: Client) -> None:
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/home/"


def test_logout_is_post_only(client: Client, student: Any) -> None:
    client.force_login(student)
    assert client.get("/logout/").status_code == 405
    assert client.get("/home/").status_code == 200

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/home/").status_code == 302
    assert "Déconnexion réussie" in html(client.get("/"))


def test_student_home_shows_next_steps_as_coming_soon_cards(client: Client, student: Any) -> None:
    from frontend.navigation import links_for_role

    client.force_login(student)
    page = html(speak(client, "en").get("/home/"))
    assert f"Hi {student.display_name}!" in page
    for label in ("Explore jobs", "Chats", "Meetings", "Speed meetings"):
        assert label in page
    with translation.override("en"):
        links = links_for_role("student")
    missing = [link for link in links if link.url is None]
    # Destinations whose page does not exist yet are cards marked "coming soon", never links.
    assert page.count("Coming soon") == len(missing)
    assert 'href="None"' not in page
    for link in links:
        if link.url is not None:
            assert f'href="{link.url}"' in page


def test_unverified_professional_home_explains_what_it_means(
    client: Client, make_user: Any
) -> None:
    client.force_login(make_user(role="professional", verified=False))
    page = html(speak(client, "en").get("/home/"))
    assert "Your account is waiting for verification" in page
    assert "students cannot see your profile and you cannot contact them" in page
    assert "prepare your profile and your availability" in page


def test_verified_professional_home_has_no_pending_notice(
    client: Client, professional: Any
) -> None:
    client.force_login(professional)
    page = html(speak(client, "en").get("/home/"))
    assert "waiting for verification" not in page
    assert "You're verified" in page


@pytest.mark.parametrize(
    ("role", "text"),
    [("organiser", "Verify professionals"), ("moderator", "Reports")],
)
def test_staff_homes(client: Client, make_user: Any, role: str, text: str) -> None:
    client.force_login(make_user(role=role))
    response = speak(client, "en").get("/home/")
    assert response.status_code == 200
    assert text in html(response)


def test_home_uses_the_stored_language_when_the_browser_chose_none(
    client: Client, make_user: Any
) -> None:
    client.force_login(make_user(role="student", birth_year=2010, preferred_language="nl"))
    page = html(client.get("/home/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<html lang="nl"' in page
    assert "Je volgende stappen" in page


def test_navigation_links_only_pages_that_exist(
    client: Client, student: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frontend import navigation

    built = {"gallery:explore": "/explore/"}
    monkeypatch.setattr(navigation, "_resolve", built.get)
    client.force_login(student)
    page = html(speak(client, "en").get("/home/"))
    assert '<a class="site-nav__link" href="/explore/">Explore jobs</a>' in page
    assert '<a class="card__link" href="/explore/">Explore jobs</a>' in page
    student_destinations = [d for d in navigation.DESTINATIONS if "student" in d.roles]
    assert page.count("Coming soon") == len(student_destinations) - 1


# --- Language switch ----------------------------------------------------------------------------


def test_language_switch_stores_the_preference_of_a_signed_in_user(
    client: Client, student: Any
) -> None:
    client.force_login(student)
    response = client.post("/language/", {"language": "nl", "next": "/home/"})
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert response.cookies["django_language"].value == "nl"
    student.refresh_from_db()
    assert student.preferred_language == "nl"
    assert '<html lang="nl"' in html(client.get("/home/"))


def test_language_switch_for_a_visitor_sets_the_cookie_only(client: Client) -> None:
    response = client.post("/language/", {"language": "en", "next": "/login/"})
    assert response["Location"] == "/login/"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en"' in html(client.get("/login/"))


def test_language_switch_ignores_unknown_languages_and_foreign_next(
    client: Client, student: Any
) -> None:
    client.force_login(student)
    response = client.post("/language/", {"language": "de", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies
    student.refresh_from_db()
    assert student.preferred_language == "fr"


def test_language_switch_is_post_only(client: Client) -> None:
    assert client.get("/language/?language=nl").status_code == 405
