"""Password reset by e-mail: the API and the pages, one answer whether or not the address is
known, links that work once, and every session and token ended afterwards."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/password/reset/\S+/\S+/")
NEW_PASSWORD = "a-brand-new-passphrase"


def links_in(message: mail.EmailMessage) -> list[str]:
    return LINK.findall(str(message.body))


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_same_202_body_for_a_known_and_an_unknown_address(
    api_client: APIClient, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user(email="known@example.be")
    with django_capture_on_commit_callbacks(execute=True):
        known = api_client.post(
            "/api/auth/password-reset/", {"email": "known@example.be"}, format="json"
        )
        unknown = api_client.post(
            "/api/auth/password-reset/", {"email": "nobody@example.be"}, format="json"
        )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert known.json()["detail"]
    # Only the known address got a message (the positive control of "nothing sent").
    assert [m.to for m in mail.outbox] == [["known@example.be"]]


def test_bad_address_is_400(api_client: APIClient) -> None:
    response = api_client.post("/api/auth/password-reset/", {"email": "nope"}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]


def test_one_link_per_active_account_using_the_address(
    api_client: APIClient, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lea = make_user(username="lea", email="parents@example.be")
    sam = make_user(username="sam", email="Parents@Example.be")
    make_user(username="gone", email="parents@example.be", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/auth/password-reset/", {"email": "PARENTS@example.be"}, format="json")
    assert len(mail.outbox) == 2
    bodies = " ".join(str(m.body) for m in mail.outbox)
    # Each message names its account: the reader knows which one the link resets.
    assert lea.username in bodies and sam.username in bodies and "gone" not in bodies


def test_throttled(api_client: APIClient) -> None:
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original, "password_reset": "2/hour"}
    try:
        statuses = [
            api_client.post(
                "/api/auth/password-reset/", {"email": "a@example.be"}, format="json"
            ).status_code
            for _ in range(3)
        ]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert statuses == [202, 202, 429]


def test_the_page_counts_with_the_api(api_client: APIClient) -> None:
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original, "password_reset": "2/hour"}
    try:
        api = api_client.post("/api/auth/password-reset/", {"email": "a@example.be"}, format="json")
        page = Client().post("/password/forgot/", {"email": "a@example.be"})
        refused = Client().post("/password/forgot/", {"email": "a@example.be"})
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert (api.status_code, page.status_code, refused.status_code) == (202, 302, 429)
    assert refused.context["form"].non_field_errors()


def test_reset_through_the_pages_ends_every_session_and_token(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user: User = make_user(username="nina", email="nina@example.be")
    token = Token.objects.create(user=user)
    elsewhere = Client()
    elsewhere.force_login(user)
    assert elsewhere.get("/home/").status_code == 200

    browser = Client()
    assert "/password/forgot/" in browser.get("/login/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/password/forgot/", {"email": "nina@example.be"})
    assert response.status_code == 302
    assert response["Location"] == "/password/forgot/sent/"
    assert browser.get(response["Location"]).status_code == 200
    [link] = links_in(mail.outbox[0])

    # Django's view moves the token into the session and out of the address bar.
    response = browser.get(path_of(link))
    assert response.status_code == 302
    form_url = response["Location"]
    assert "set-password" in form_url
    page = browser.get(form_url)
    assert page.context["validlink"] is True

    weak = browser.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert weak.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)

    response = browser.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # Signed out everywhere, and the API token is gone.
    assert elsewhere.get("/home/").status_code == 302
    assert not Token.objects.filter(key=token.key).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/me/").status_code in (401, 403)

    # The link works once.
    again = Client().get(path_of(link), follow=True)
    assert again.context["validlink"] is False
    assert "/password/forgot/" in again.content.decode()


def test_reset_link_from_the_api_sets_a_password_that_logs_in(
    api_client: APIClient, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user(username="omar", email="omar@example.be")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/auth/password-reset/", {"email": "omar@example.be"}, format="json")
    [link] = links_in(mail.outbox[0])
    browser = Client()
    form_url = browser.get(path_of(link))["Location"]
    browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = api_client.post(
        "/api/auth/token/", {"username": "omar", "password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_a_tampered_link_shows_the_invalid_page(make_user: Any) -> None:
    user: User = make_user(email="x@example.be")
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    good = default_token_generator.make_token(user)
    response = Client().get(f"/password/reset/{uid}/{good[:-1]}x/")
    assert response.status_code == 200
    assert response.context["validlink"] is False
    # Positive control: the untampered token is accepted.
    assert Client().get(f"/password/reset/{uid}/{good}/").status_code == 302
