import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD

User = get_user_model()
pytestmark = pytest.mark.django_db

GOOD = {
    "username": "lea",
    "password": "correct-horse-battery",
    "role": "student",
    "display_name": "Léa",
    "birth_year": 2010,
}


def test_register_student_then_token_then_me(api_client: APIClient) -> None:
    response = api_client.post("/api/auth/register/", GOOD, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["username"] == "lea"
    assert body["role"] == "student"
    assert body["verified"] is False

    response = api_client.post(
        "/api/auth/token/", {"username": "lea", "password": GOOD["password"]}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/me/").json()
    assert me == {
        "id": body["id"],
        "username": "lea",
        "display_name": "Léa",
        "role": "student",
        "verified": False,
        "birth_year": 2010,
        "email": "",
        "email_verified": False,
        "preferred_language": "fr",
        "time_zone": "Europe/Brussels",
    }


def test_professional_starts_unverified(api_client: APIClient) -> None:
    data = {**GOOD, "username": "marc", "role": "professional", "birth_year": None}
    response = api_client.post("/api/auth/register/", data, format="json")
    assert response.status_code == 201, response.json()
    assert User.objects.get(username="marc").verified is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "moderator"}, "role"),
        ({"role": "organiser"}, "role"),
        ({"password": "123"}, "password"),
        ({"password": "password"}, "password"),
        ({"username": "a b"}, "username"),
        ({"display_name": ""}, "display_name"),
        ({"birth_year": None}, "birth_year"),
        ({"birth_year": 1950}, "birth_year"),
        ({"birth_year": "soon"}, "birth_year"),
    ],
)
def test_register_bad_input_is_400_with_fields_and_writes_nothing(
    api_client: APIClient, change: dict[str, object], field: str
) -> None:
    response = api_client.post("/api/auth/register/", {**GOOD, **change}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert field in error["fields"], error
    assert error["message"]
    assert not User.objects.exists()


def test_register_taken_username_case_insensitive(api_client: APIClient, make_user) -> None:
    make_user(username="Lea")
    response = api_client.post("/api/auth/register/", GOOD, format="json")
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]
    assert User.objects.count() == 1


def test_register_rejects_non_json(api_client: APIClient) -> None:
    response = api_client.post("/api/auth/register/", "nope", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_token_wrong_password_is_401_without_saying_which(api_client: APIClient, student) -> None:
    response = api_client.post(
        "/api/auth/token/", {"username": student.username, "password": "wrong"}, format="json"
    )
    unknown = api_client.post(
        "/api/auth/token/", {"username": "nobody", "password": "wrong"}, format="json"
    )
    assert response.status_code == unknown.status_code == 401
    assert response.json() == unknown.json()
    assert response.json()["error"]["code"] == "unauthorized"


def test_failed_logins_are_limited_per_account(api_client: APIClient, student, make_user) -> None:
    statuses = [
        api_client.post(
            "/api/auth/token/", {"username": student.username, "password": "x"}, format="json"
        ).status_code
        for _ in range(11)
    ]
    # The tenth failure locks (django-axes answers it as locked already).
    assert statuses[:9] == [401] * 9
    assert statuses[9:] == [429, 429]
    # Even the right password waits now: the guesser must not learn that it was right.
    response = api_client.post(
        "/api/auth/token/",
        {"username": student.username.upper(), "password": DEFAULT_PASSWORD},
        format="json",
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    # Another account from the same address (the same classroom) still logs in.
    classmate = make_user(role="student", birth_year=2010)
    response = api_client.post(
        "/api/auth/token/",
        {"username": classmate.username, "password": DEFAULT_PASSWORD},
        format="json",
    )
    assert response.status_code == 200


def test_login_is_throttled_per_address(api_client: APIClient, settings) -> None:
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], login="3/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        statuses = [
            api_client.post(
                "/api/auth/token/", {"username": f"u{n}", "password": "x"}, format="json"
            ).status_code
            for n in range(4)
        ]
    finally:
        # The original, not api_settings': those still hold this test's rates here.
        ScopedRateThrottle.THROTTLE_RATES = original
    assert statuses == [401, 401, 401, 429]


def test_me_requires_authentication(api_client: APIClient) -> None:
    response = api_client.get("/api/me/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("unauthorized", "forbidden")


def test_me_patch_language_and_time_zone(api_client: APIClient, student) -> None:
    api_client.force_authenticate(student)
    response = api_client.patch(
        "/api/me/", {"preferred_language": "nl", "time_zone": "Europe/Amsterdam"}, format="json"
    )
    assert response.status_code == 200, response.json()
    student.refresh_from_db()
    assert (student.preferred_language, student.time_zone) == ("nl", "Europe/Amsterdam")

    response = api_client.patch("/api/me/", {"time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    response = api_client.patch("/api/me/", {"role": "moderator"}, format="json")
    student.refresh_from_db()
    assert student.role == "student"


def test_session_login_and_logout(student) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/me/")  # no cookie yet
    response = client.post(
        "/api/auth/login/",
        {"username": student.username, "password": DEFAULT_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert client.get("/api/me/").json()["username"] == student.username
    # Writes with a session need the CSRF token, like any form.
    assert client.post("/api/auth/logout/").status_code == 403
    csrf = client.cookies["csrftoken"].value
    assert client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert client.get("/api/me/").status_code in (401, 403)
