"""Profile texts in another language than the page's carry `lang` and a visible marker; texts
in the page's language do not. The language is the author's preferred one unless they set it."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from gallery import services
from gallery.models import WitnessProfile
from tests.factories import UserFactory, make_witness

pytestmark = pytest.mark.django_db

DUTCH_HOOK = "Ik verzorg kinderen op de spoeddienst."
FRENCH_HOOK = "Je soigne des enfants aux urgences."


@pytest.fixture(autouse=True)
def taxonomy(db: None) -> None:
    services.taxonomy_sync()


def page_as(user: Any, url: str, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return str(client.get(url).content.decode())


def witness(language: str, hook: str, **fields: Any) -> WitnessProfile:
    owner = UserFactory.create(role="professional", verified=True, preferred_language=language)
    return make_witness(
        owner,
        job_title="Verpleegkundige" if language == "nl" else "Infirmière",
        sector="health",
        hook=hook,
        typical_day=f"{hook}\n\nMeer.",
        **fields,
    )


def test_content_language_defaults_to_the_authors_language() -> None:
    assert witness("nl", DUTCH_HOOK).content_language == "nl"
    assert witness("fr", FRENCH_HOOK).content_language == "fr"


def test_a_dutch_profile_in_the_french_interface_is_marked(student: Any) -> None:
    dutch = witness("nl", DUTCH_HOOK)
    french = witness("fr", FRENCH_HOOK)

    page = page_as(student, f"/explore/{dutch.pk}/", "fr")
    assert re.search(rf'<span lang="nl">{re.escape(DUTCH_HOOK)}</span>', page)
    assert '<div class="prose" lang="nl">' in page
    assert re.search(r'<span class="lang-marker"[^>]*><span aria-hidden="true">NL</span>', page)
    with translation.override("fr"):
        assert f"({translation.gettext('in Dutch')})" in page

    # The positive control: the French profile in the French interface has neither.
    page = page_as(student, f"/explore/{french.pk}/", "fr")
    assert f'<p class="profile-head__hook">{FRENCH_HOOK}</p>' in page
    assert '<div class="prose">' in page
    assert "lang-marker" not in page

    cards = page_as(student, "/explore/", "fr")
    assert re.search(rf'<span class="text-lang" lang="nl">{re.escape(DUTCH_HOOK)}</span>', cards)
    assert re.search(rf'<p class="profile-card__hook">{re.escape(FRENCH_HOOK)}</p>', cards)
    assert cards.count('class="lang-marker"') == 1


def test_the_same_profile_in_dutch_is_not_marked_but_the_french_one_is(student: Any) -> None:
    dutch = witness("nl", DUTCH_HOOK)
    page = page_as(student, f"/explore/{dutch.pk}/", "nl")
    assert "lang-marker" not in page
    french = witness("fr", FRENCH_HOOK)
    page = page_as(student, f"/explore/{french.pk}/", "nl")
    assert '<div class="prose" lang="fr">' in page
    with translation.override("nl"):
        assert f"({translation.gettext('in French')})" in page


def test_the_author_sets_the_language_on_the_editor_and_the_api(professional: Any) -> None:
    professional.preferred_language = "fr"
    professional.save()
    client = Client()
    client.force_login(professional)
    editor = client.get("/me/profile/").content.decode()
    assert re.search(r'<option value="fr" selected>', editor)
    response = client.post(
        "/me/profile/",
        {
            "job_title": "Developer",
            "sector": "tech",
            "hook": "I write code.",
            "content_language": "en",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert WitnessProfile.objects.get(user=professional).content_language == "en"

    api = APIClient()
    api.force_authenticate(professional)
    body = {"job_title": "Developer", "sector": "tech"}
    assert api.put("/api/profiles/me/", body, format="json").json()["content_language"] == "en"
    body["content_language"] = "nl"
    assert api.put("/api/profiles/me/", body, format="json").json()["content_language"] == "nl"
    body["content_language"] = "de"
    assert api.put("/api/profiles/me/", body, format="json").status_code == 400
    assert WitnessProfile.objects.get(user=professional).content_language == "nl"
