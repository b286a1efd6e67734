"""Playwright's sync API driving Debian's Chromium (no `playwright install` needed)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _django_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sync Playwright keeps its event loop set as running in this thread between calls, so
    Django would refuse the ORM (here and in transactional_db's flush) as if it were async.
    Nothing async touches the database in these tests: tell Django so, for this test only."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Module scope, not session: while Playwright runs, its loop counts as running in this thread,
# which would break the async and database tests of other modules.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium: run scripts/ensure-chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """Makes pages in fresh browser contexts (no cookies), closed after the test."""
    contexts: list[Any] = []

    def make(locale: str = "fr-BE", width: int = 390, height: int = 844) -> Any:
        context = chromium.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    """A phone-sized page in a French-speaking browser."""
    return new_page()
