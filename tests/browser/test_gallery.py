"""The gallery in a real browser: a student searches, opens a profile, saves it (by keyboard) and
asks "surprise me" twice; a professional fills in the editor with a mistake, then previews."""

import re
from typing import Any

import pytest

from gallery import services
from gallery.models import Interest, SavedProfile, StudentProfile, WitnessProfile
from tests.browser.test_shell import A11Y_CHECK, press_tab_until
from tests.factories import DEFAULT_PASSWORD, UserFactory, make_witness

pytestmark = [pytest.mark.browser, pytest.mark.live]

SECTORS = ["tech", "law", "arts", "crafts", "sport", "science", "transport", "education"]
VIDEO_PLAYERS = ("https://www.youtube-nocookie.com/", "https://player.vimeo.com/")


def assert_accessible(page: Any) -> None:
    """The shell's checks; the privacy-friendly video player is the one thing from elsewhere."""
    problems = [
        problem
        for problem in page.evaluate(A11Y_CHECK)
        if not any(problem.startswith(f"external {player}") for player in VIDEO_PLAYERS)
    ]
    assert problems == [], page.url


def no_overflow_at_360(page: Any) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    page.set_viewport_size(size)


def offline(page: Any, base: str) -> Any:
    """Nothing leaves the machine: requests to anything but the test server are refused."""
    page.context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def card_titles(page: Any) -> list[str]:
    return [title.strip() for title in page.locator(".profile-card .card__link").all_inner_texts()]


@pytest.fixture
def gallery(transactional_db: None) -> dict[str, Any]:
    services.taxonomy_sync()
    nurse = make_witness(
        job_title="Infirmière en pédiatrie",
        sector="health",
        interests=("helping-people", "children"),
        hook="Je soigne des enfants et je rassure leurs parents.",
        formats=["chat", "qa"],
        languages=["fr", "nl"],
        place="Jette",
        typical_day="Je commence à 7 h avec la relève de nuit.",
        career_path=[
            {"start_year": 2012, "end_year": 2015, "title": "Bachelier infirmier", "place": ""},
            {"start_year": 2015, "end_year": None, "title": "Infirmière", "place": "Jette"},
        ],
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    for n in range(16):
        make_witness(
            job_title=f"Métier numéro {n}",
            sector=SECTORS[n % len(SECTORS)],
            interests=("drawing",) if n % 2 else ("music",),
            hook="Un métier à découvrir.",
        )
    student = UserFactory.create(role="student", birth_year=2010, username="lea")
    StudentProfile.objects.create(user=student).interests.set(
        Interest.objects.filter(slug="drawing")
    )
    return {"nurse": nurse, "student": student}


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/home/")


def test_student_searches_opens_saves_and_is_surprised(
    live_daphne: Any, gallery: dict[str, Any], page: Any
) -> None:
    base = live_daphne.http_url
    errors = offline(page, base)
    log_in(page, base, "lea")
    assert_accessible(page)

    # The gallery, from the header: on a phone its links are in the menu.
    page.locator("[data-menu-button]").click()
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Explorer les métiers"
    ).click()
    page.wait_for_url("**/explore/")
    assert len(card_titles(page)) == 12
    assert_accessible(page)
    no_overflow_at_360(page)

    status = page.locator("[data-results-status]")
    assert status.get_attribute("aria-live") == "polite"

    # "More" appends the next page in place and moves the focus to the first new card.
    page.get_by_role("link", name="Voir plus de pros").click()
    page.wait_for_function("() => document.querySelectorAll('.profile-card').length === 17")
    assert page.evaluate("document.activeElement.textContent.trim()") == card_titles(page)[12]
    page.wait_for_function(
        "() => document.querySelector('[data-results-status]').textContent"
        " === '17 pros affichés sur 17'"
    )
    assert page.get_by_role("link", name="Voir plus de pros").count() == 0

    # A filter applies as soon as it is chosen; "clear" brings everything back.
    page.locator(".filters__summary").click()
    page.get_by_label("Secteur").select_option("health")
    page.wait_for_function("() => document.querySelectorAll('.profile-card').length === 1")
    assert "sector=health" in page.url
    assert page.locator(".filters__count [data-filter-number]").inner_text() == "1"
    page.get_by_role("link", name="Effacer les filtres").click()
    page.wait_for_function("() => document.querySelectorAll('.profile-card').length === 12")
    assert "sector" not in page.url

    # Typing searches as you type (no reload); the new count is announced politely.
    page.get_by_label("Qu\u2019est-ce qui t\u2019int\u00e9resse\u00a0?").press_sequentially(
        "verpleegkundige", delay=20
    )
    page.wait_for_function("() => document.querySelectorAll('.profile-card').length === 1")
    assert card_titles(page) == ["Infirmière en pédiatrie"]
    page.wait_for_function(
        "() => document.querySelector('[data-results-status]').textContent.includes('1 pro trouvé')"
    )
    assert "q=verpleegkundige" in page.url
    assert_accessible(page)

    # An unknown filter value: a clear message, not an error page.
    page.goto(base + "/explore/?sector=astrology")
    assert "On ne connaît pas le secteur" in page.locator("main").inner_text()
    assert_accessible(page)
    page.go_back()
    page.wait_for_url("**/explore/?q=verpleegkundige")

    page.get_by_role("link", name="Infirmière en pédiatrie").click()
    page.wait_for_url(f"**/explore/{gallery['nurse'].pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Infirmière en pédiatrie"
    assert page.locator("iframe").get_attribute("src") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert page.get_by_text("Depuis 2015").is_visible()
    assert_accessible(page)
    no_overflow_at_360(page)

    # Keyboard only: Tab to the save button and press Enter; it saves in place.
    save = page.locator(".save-toggle")
    assert save.get_attribute("aria-pressed") == "false"
    page.locator("body").focus()
    press_tab_until(page, ".save-toggle", limit=30)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.save-toggle').getAttribute('aria-pressed') === 'true'"
    )
    assert save.inner_text().strip() == "Enregistré"
    assert SavedProfile.objects.filter(
        student=gallery["student"], profile=gallery["nurse"]
    ).exists()
    page.wait_for_function(
        "() => document.querySelector('[data-results-status]').textContent.includes('Ajouté')"
    )

    page.locator("[data-menu-button]").click()  # the header's links, in the phone's menu
    page.get_by_role("link", name="Enregistrés").click()
    page.wait_for_url("**/saved/")
    assert card_titles(page) == ["Infirmière en pédiatrie"]
    assert_accessible(page)

    page.goto(base + "/me/interests/")
    assert page.get_by_label("Dessin").is_checked()
    assert_accessible(page)
    no_overflow_at_360(page)

    # Surprise me: every card says why; "again" brings another set.
    page.get_by_role("link", name="Surprends-moi").first.click()
    page.wait_for_url("**/surprise/")
    reasons = page.locator(".profile-card__why").all_inner_texts()
    assert len(reasons) == 6
    assert any("Parce que tu aimes" in reason and "dessin" in reason for reason in reasons)
    assert any(re.search(r"Un secteur que tu n.as pas encore explor", r) for r in reasons)
    first = card_titles(page)
    assert_accessible(page)
    no_overflow_at_360(page)
    page.get_by_role("button", name="Encore une surprise").first.click()
    page.wait_for_load_state()
    second = card_titles(page)
    assert len(second) == 6
    assert set(second).isdisjoint(first)
    assert page.get_by_text("Voici une nouvelle sélection").is_visible()
    assert errors == []


def test_professional_fixes_a_mistake_and_previews(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    services.taxonomy_sync()
    UserFactory.create(
        role="professional", verified=False, username="marc", preferred_language="nl"
    )
    page = new_page(locale="nl-BE", width=1280, height=800)
    base = live_daphne.http_url
    errors = offline(page, base)
    log_in(page, base, "marc")
    page.get_by_role("link", name="Mijn profiel maken").click()
    page.wait_for_url("**/me/profile/")
    assert page.get_by_text("Leerlingen zien uw profiel na de verificatie").is_visible()
    assert_accessible(page)

    no_overflow_at_360(page)
    page.get_by_label("Naam van uw beroep").fill("Burgerlijk ingenieur")
    page.get_by_label("Sector", exact=True).select_option("engineering")
    page.get_by_label("Teamwerk").check()
    page.get_by_label("Link naar een video").fill("https://www.dailymotion.com/video/x8abc")
    # JavaScript shows one empty step; "add a step" shows the next one.
    assert page.locator("[data-career-row]:visible").count() == 1
    page.get_by_label("Van (jaar)").first.fill("2015")
    page.get_by_label("Job, studies of opleiding").first.fill("Ingenieur")
    page.get_by_role("button", name="Stap toevoegen").click()
    assert page.locator("[data-career-row]:visible").count() == 2
    page.get_by_role("button", name="Bewaren en bekijken").click()
    page.wait_for_load_state()

    assert page.get_by_role("alert").is_visible()
    error = page.locator("#id_video_url_error")
    assert "Alleen video\u2019s van YouTube of Vimeo" in error.inner_text()
    assert not WitnessProfile.objects.exists()
    assert_accessible(page)

    page.get_by_label("Link naar een video").fill("https://vimeo.com/318274615")
    page.get_by_role("button", name="Bewaren en bekijken").click()
    page.wait_for_url("**/me/profile/preview/")
    assert page.get_by_role("heading", level=1).inner_text() == "Burgerlijk ingenieur"
    assert page.get_by_text("Voorbeeld: zo zien leerlingen uw profiel").is_visible()
    assert page.locator("iframe").get_attribute("src") == (
        "https://player.vimeo.com/video/318274615?dnt=1"
    )
    assert_accessible(page)
    profile = WitnessProfile.objects.get()
    assert profile.career_path == [
        {"start_year": 2015, "end_year": None, "title": "Ingenieur", "place": ""}
    ]
    assert errors == []
