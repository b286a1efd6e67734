"""The API documentation works offline and under the site's CSP: Swagger UI and ReDoc come
from this server (drf-spectacular-sidecar), with every request elsewhere aborted."""

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.live]


def offline_page(new_page: Any, base: str) -> tuple[Any, list[str], list[str]]:
    """A page that can reach nothing but `base`; it records what it tried and CSP refusals."""
    page = new_page(locale="en-GB", width=1280, height=900)
    host = urlsplit(base).netloc
    blocked: list[str] = []
    refused: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if urlsplit(url).netloc == host or url.startswith("data:"):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page, blocked, refused


def test_swagger_ui_renders_the_operations_offline(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    base = live_daphne.http_url
    page, blocked, refused = offline_page(new_page, base)
    response = page.goto(f"{base}/api/docs/")
    assert response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.get_by_text("/api/me/", exact=True).first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() > 10
    assert blocked == []
    assert refused == []


def test_redoc_renders_offline(live_daphne: Any, transactional_db: None, new_page: Any) -> None:
    base = live_daphne.http_url
    page, blocked, refused = offline_page(new_page, base)
    response = page.goto(f"{base}/api/redoc/")
    assert response.status == 200
    # ReDoc's own styles only; scripts stay as strict as everywhere.
    policy = response.headers["content-security-policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "unsafe" not in script_src
    page.get_by_text("/api/me/").first.wait_for(timeout=20_000)
    assert blocked == []
    # Only the "by Redocly" badge, an image ReDoc links from its CDN, stays out (offline).
    assert [text for text in refused if "cdn.redoc.ly" not in text] == []


def test_a_blocked_cdn_would_be_seen(
    live_daphne: Any, transactional_db: None, new_page: Any
) -> None:
    """Positive control of the route above: a request to another host is caught."""
    base = live_daphne.http_url
    page, blocked, _refused = offline_page(new_page, base)
    from playwright.sync_api import Error

    with pytest.raises(Error):
        page.goto("https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui.css")
    assert blocked == ["https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui.css"]
