"""An e-mail address at registration (API and page), confirmed by a signed link; changing it
clears the confirmation and sends a new link; "send it again"."""

import re
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services.email_confirmation import email_confirmation_token

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "lea",
    "password": "correct-horse-battery",
    "role": "student",
    "display_name": "Léa",
    "birth_year": 2010,
}
LINK = re.compile(r"https?://\S+/email/confirm/\S+/")


def only_link(message: mail.EmailMessage) -> str:
    links = LINK.findall(str(message.body))
    assert len(links) == 1, message.body
    return str(links[0])


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_register_with_email_sends_a_link_that_confirms(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/auth/register/",
            {**GOOD, "email": "  Lea.Parent@Example.BE ", "preferred_language": "nl"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    user = User.objects.get(username="lea")
    # The domain is normalised, the mailbox part kept as given.
    assert user.email == "Lea.Parent@example.be"
    assert user.email_verified_at is None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Lea.Parent@example.be"]
    # Written in the user's language.
    assert message.extra_headers["Content-Language"] == "nl"
    link = only_link(message)

    assert Client().get(path_of(link)).status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.email_verified_at is not None

    api_client.force_authenticate(user)
    me = api_client.get("/api/me/").json()
    assert me["email"] == "Lea.Parent@example.be"
    assert me["email_verified"] is True


def test_register_without_email_sends_nothing(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/auth/register/", GOOD, format="json")
    assert response.status_code == 201
    assert User.objects.get(username="lea").email == ""
    assert mail.outbox == []


def test_register_bad_email_is_400_and_writes_nothing(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/auth/register/", {**GOOD, "email": "not-an-address"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    assert not User.objects.exists()


def test_the_same_address_may_serve_several_students(api_client: APIClient) -> None:
    for name in ("lea", "sam"):
        data = {**GOOD, "username": name, "email": "parents@example.be"}
        assert api_client.post("/api/auth/register/", data, format="json").status_code == 201
    assert User.objects.filter(email="parents@example.be").count() == 2


def test_sign_up_page_requires_an_address_of_professionals_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    pro = {
        "role": "professional",
        "display_name": "Marc",
        "username": "marc",
        "password": "correct-horse-battery",
    }
    response = client.post("/register/", pro)
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/", {**pro, "email": "marc@example.be"})
    assert response.status_code == 302
    assert User.objects.get(username="marc").email == "marc@example.be"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marc@example.be"]

    student = {
        "role": "student",
        "display_name": "Léa",
        "username": "lea",
        "password": "correct-horse-battery",
        "birth_year": "2010",
    }
    response = Client().post("/register/", student)
    assert response.status_code == 302
    assert User.objects.get(username="lea").email == ""


def test_changing_the_address_clears_the_confirmation_and_old_links_die(
    api_client: APIClient, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user: User = make_user(email="old@example.be", role="student", birth_year=2010)
    old_token = email_confirmation_token(user=user)
    api_client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch("/api/me/", {"email": "new@example.be"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["email_verified"] is False
    assert [m.to for m in mail.outbox] == [["new@example.be"]]

    # The link made for the old address confirms nothing now.
    assert Client().get(f"/email/confirm/{old_token}/").status_code == 302
    assert User.objects.get(pk=user.pk).email_verified_at is None

    Client().get(path_of(only_link(mail.outbox[0])))
    assert User.objects.get(pk=user.pk).email_verified_at is not None

    # The same address again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        api_client.patch("/api/me/", {"email": "new@example.be"}, format="json")
    assert User.objects.get(pk=user.pk).email_verified_at is not None
    assert len(mail.outbox) == 1


def test_forged_and_expired_links_are_refused(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    user: User = make_user(email="a@example.be")
    forged = signing.dumps({"user": user.pk, "email": user.email}, salt="another-salt")
    client = Client()
    response = client.get(f"/email/confirm/{forged}/", follow=True)
    assert "flash--error" in response.content.decode()
    assert User.objects.get(pk=user.pk).email_verified_at is None

    # Signed a month ago: expired.
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now - 31 * 24 * 3600)
    expired = email_confirmation_token(user=user)
    monkeypatch.undo()
    client.get(f"/email/confirm/{expired}/")
    assert User.objects.get(pk=user.pk).email_verified_at is None

    # Positive control: a fresh token for the same user works.
    client.get(f"/email/confirm/{email_confirmation_token(user=user)}/")
    assert User.objects.get(pk=user.pk).email_verified_at is not None


def test_resend_from_the_settings_page(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user: User = make_user(email="me@example.be")
    client = Client()
    client.force_login(user)
    page = client.get("/settings/account/").content.decode()
    assert 'form="resend-form"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/account/confirm-email/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["me@example.be"]]
    client.get(path_of(only_link(mail.outbox[0])))
    assert User.objects.get(pk=user.pk).email_verified_at is not None
    # Confirmed: no button, and nothing more to send.
    assert 'form="resend-form"' not in client.get("/settings/account/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/settings/account/confirm-email/")
    assert len(mail.outbox) == 1
