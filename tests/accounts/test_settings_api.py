"""PATCH /api/me/ (name, e-mail, language, time zone) and POST /api/me/password/."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.mark.parametrize(
    ("change", "stored"),
    [
        ({"display_name": "  Léa B. "}, {"display_name": "Léa B."}),
        ({"email": "lea@Example.BE"}, {"email": "lea@example.be"}),
        ({"preferred_language": "nl"}, {"preferred_language": "nl"}),
        ({"time_zone": "America/Montreal"}, {"time_zone": "America/Montreal"}),
        ({"email": ""}, {"email": ""}),
    ],
)
def test_each_field(
    api_client: APIClient, student: User, change: dict[str, str], stored: dict[str, str]
) -> None:
    student.email = "before@example.be"
    student.save()
    api_client.force_authenticate(student)
    response = api_client.patch("/api/me/", change, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    for field, value in stored.items():
        assert body[field] == value
        assert getattr(User.objects.get(pk=student.pk), field) == value
    assert {"id", "username", "display_name", "role", "verified"} <= body.keys()
    assert {"email", "email_verified", "preferred_language", "time_zone"} <= body.keys()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"preferred_language": "de"}, "preferred_language"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"email": "not-an-address"}, "email"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
    ],
)
def test_bad_field_is_400_and_nothing_changes(
    api_client: APIClient, student: User, change: dict[str, str], field: str
) -> None:
    before = User.objects.filter(pk=student.pk).values().get()
    api_client.force_authenticate(student)
    # With a good change beside it: that one is not stored either.
    response = api_client.patch("/api/me/", {"display_name": "Renamed", **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    assert User.objects.filter(pk=student.pk).values().get() == before


def test_professional_cannot_remove_their_address(
    api_client: APIClient, professional: User
) -> None:
    professional.email = "pro@example.be"
    professional.save()
    api_client.force_authenticate(professional)
    response = api_client.patch("/api/me/", {"email": ""}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    assert User.objects.get(pk=professional.pk).email == "pro@example.be"
    # Changing it is fine.
    assert (
        api_client.patch("/api/me/", {"email": "new@example.be"}, format="json").status_code == 200
    )


def test_wrong_old_password_is_400(api_client: APIClient, student: User) -> None:
    api_client.force_authenticate(student)
    response = api_client.post(
        "/api/me/password/",
        {"old_password": "wrong-one", "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 400
    assert "old_password" in response.json()["error"]["fields"]
    student.refresh_from_db()
    assert student.check_password(DEFAULT_PASSWORD)


def test_weak_new_password_is_400(api_client: APIClient, student: User) -> None:
    api_client.force_authenticate(student)
    response = api_client.post(
        "/api/me/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password": "12345"},
        format="json",
    )
    assert response.status_code == 400
    assert "new_password" in response.json()["error"]["fields"]
    student.refresh_from_db()
    assert student.check_password(DEFAULT_PASSWORD)


def _session_api_client(user: User) -> tuple[APIClient, str]:
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        "/api/auth/login/",
        {"username": user.username, "password": DEFAULT_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    return client, client.cookies["csrftoken"].value


def test_change_with_a_session_keeps_it_and_ends_the_others(student: User) -> None:
    token = Token.objects.create(user=student)
    current, csrf = _session_api_client(student)
    other = Client()
    other.force_login(student)
    assert other.get("/api/me/").status_code == 200

    response = current.post(
        "/api/me/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["username"] == student.username

    assert current.get("/api/me/").status_code == 200
    assert other.get("/api/me/").status_code in (401, 403)
    assert not Token.objects.filter(key=token.key).exists()
    student.refresh_from_db()
    assert student.check_password(NEW_PASSWORD)


def test_change_with_a_token_keeps_it_and_ends_the_sessions(
    api_client: APIClient, student: User
) -> None:
    token = Token.objects.create(user=student)
    other = Client()
    other.force_login(student)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.post(
        "/api/me/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert api_client.get("/api/me/").status_code == 200
    assert Token.objects.filter(key=token.key).exists()
    assert other.get("/api/me/").status_code in (401, 403)


def test_settings_page_saves_and_changes_the_password(student: User) -> None:
    client = Client()
    client.force_login(student)
    other = Client()
    other.force_login(student)
    assert Client().get("/settings/").status_code == 302
    assert client.get("/settings/")["Location"] == "/settings/account/"

    response = client.post(
        "/settings/account/",
        {
            "action": "account",
            "display_name": "Léa",
            "email": "lea@example.be",
            "preferred_language": "en",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    student.refresh_from_db()
    assert (student.display_name, student.email, student.preferred_language, student.time_zone) == (
        "Léa",
        "lea@example.be",
        "en",
        "Europe/London",
    )

    bad = client.post(
        "/settings/account/",
        {"action": "password", "old_password": "nope", "new_password": NEW_PASSWORD},
    )
    assert bad.status_code == 400
    assert "old_password" in bad.context["password_form"].errors

    good = client.post(
        "/settings/account/",
        {"action": "password", "old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert good.status_code == 302
    assert client.get("/settings/account/").status_code == 200
    assert other.get("/settings/account/").status_code == 302
