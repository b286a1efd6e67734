"""A professional adds a photo on the editor with the keyboard (a refused file first, whose
error is announced), sees it on their gallery card and profile, then removes it."""

import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from gallery import services
from gallery.models import ProfilePhoto
from tests.browser.test_gallery import assert_accessible, log_in, offline
from tests.browser.test_shell import press_tab_until
from tests.factories import UserFactory, make_witness

pytestmark = [pytest.mark.browser, pytest.mark.live]

# Screenshots for a human review, when asked for: SCREENSHOTS_DIR=/some/folder.
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


def picture(tmp_path: Path) -> Path:
    image = Image.new("RGB", (800, 600), (20, 110, 90))
    image.paste((250, 200, 40), (250, 150, 550, 450))
    path = tmp_path / "portrait.jpg"
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def shoot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(
    ("locale", "language", "width"), [("fr-BE", "fr", 390), ("en-GB", "en", 1280)]
)
def test_professional_uploads_a_photo_with_the_keyboard(
    live_daphne: Any,
    transactional_db: None,
    new_page: Any,
    tmp_path: Path,
    locale: str,
    language: str,
    width: int,
) -> None:
    services.taxonomy_sync()
    pro = UserFactory.create(
        role="professional",
        verified=True,
        username="nadia",
        display_name="Nadia Benali",
        preferred_language=language,
    )
    make_witness(pro, job_title="Luthière", sector="arts", hook="Je fabrique des violons.")
    page = new_page(locale=locale, width=width, height=900)
    base = live_daphne.http_url
    errors = offline(page, base)
    log_in(page, base, "nadia")
    page.goto(base + "/me/profile/")
    assert page.locator(".photo-editor__preview").inner_text() == "NB"  # initials, no photo yet
    assert_accessible(page)
    shoot(page, f"editor-{language}-{width}")

    # A text file named .jpg: refused, the error announced (role=alert) beside the field.
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_text("hello")
    press_tab_until(page, "#id_photo", limit=60)
    page.locator("#id_photo").set_input_files(str(fake))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    # The form posts back to the same URL: wait for that navigation itself, since the old page
    # has the same (empty) error element and is "loaded" already.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.locator("#photo-error")
    assert alert.get_attribute("role") == "alert"
    assert "JPEG, PNG" in alert.inner_text()
    assert page.evaluate("document.activeElement.id") == "id_photo"
    assert page.locator("#id_photo").get_attribute("aria-invalid") == "true"
    assert not ProfilePhoto.objects.filter(user=pro).exists()
    shoot(page, f"editor-error-{language}-{width}")

    # A real picture, the same way.
    page.locator("#id_photo").set_input_files(str(picture(tmp_path)))
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/me/profile/")
    key = ProfilePhoto.objects.get(user=pro).key
    preview = page.locator("img.photo-editor__preview")
    assert preview.get_attribute("src") == f"/media/photos/{key}-512.webp"
    page.wait_for_function(
        "() => document.querySelector('img.photo-editor__preview').naturalWidth === 512"
    )
    assert page.get_by_role("status").first.is_visible()
    shoot(page, f"editor-photo-{language}-{width}")

    page.goto(base + "/explore/")
    card_photo = page.locator(".profile-card img.avatar")
    assert card_photo.get_attribute("src") == f"/media/photos/{key}-96.webp"
    page.wait_for_function(
        "() => document.querySelector('.profile-card img.avatar').naturalWidth === 96"
    )
    assert card_photo.get_attribute("alt") == ""  # the name is written beside it
    assert_accessible(page)
    shoot(page, f"explore-{language}-{width}")
    page.locator(".profile-card .card__link").first.click()
    page.wait_for_function(
        "() => document.querySelector('img.avatar--large')?.naturalWidth === 512"
    )
    shoot(page, f"profile-{language}-{width}")

    # Removing it, by keyboard too: the initials come back.
    page.goto(base + "/me/profile/")
    remove = page.locator(".photo-editor__remove button")
    remove.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.wait_for_function("() => !document.querySelector('img.photo-editor__preview')")
    assert page.locator(".photo-editor__preview").inner_text() == "NB"
    assert not ProfilePhoto.objects.filter(user=pro).exists()
    assert page.request.get(f"{base}/media/photos/{key}-96.webp").status == 404
    assert errors == []
