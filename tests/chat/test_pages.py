"""The chat pages as the server renders them."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chat.models import ContactRequest
from tests.chat.conftest import open_conversation

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_a_session(student: Any) -> None:
    for url in (reverse("chat:inbox"), reverse("chat:contact_request", args=[student.pk])):
        assert Client().get(url).status_code == 302


def test_contact_request_form_then_accept_in_the_inbox(student: Any, professional: Any) -> None:
    url = reverse("chat:contact_request", args=[professional.pk])
    assert url == f"/chats/contact/{professional.pk}/"
    form = signed_in(student).get(url)
    assert form.status_code == 200 and b'name="message"' in form.content
    sent = signed_in(student).post(url, {"message": "Bonjour <script>"})
    assert sent.status_code == 302 and sent["Location"] == reverse("chat:inbox")
    request = ContactRequest.objects.get()

    inbox = signed_in(professional).get(reverse("chat:inbox"))
    assert b"Bonjour &lt;script&gt;" in inbox.content  # text, never HTML
    accepted = signed_in(professional).post(reverse("chat:contact_accept", args=[request.pk]))
    request.refresh_from_db()
    assert request.conversation is not None
    assert accepted["Location"] == reverse("chat:conversation", args=[request.conversation.pk])
    page = signed_in(student).get(accepted["Location"])
    assert page.status_code == 200
    assert f'data-topic="dm:{request.conversation.pk}"'.encode() in page.content


def test_refused_request_shows_the_reason(student: Any, make_user: Any) -> None:
    unverified = make_user(role="professional", verified=False)
    url = reverse("chat:contact_request", args=[unverified.pk])
    response = signed_in(student).post(url, {"message": "hi"})
    assert response.status_code == 400 and b"verified" in response.content
    assert not ContactRequest.objects.exists()


def test_outsiders_get_404(student: Any, professional: Any, make_user: Any) -> None:
    conversation = open_conversation(student, professional)
    url = reverse("chat:conversation", args=[conversation.pk])
    assert signed_in(make_user()).get(url).status_code == 404
    inbox = signed_in(student).get(reverse("chat:inbox"))
    assert str(professional.display_name).encode() in inbox.content
