"""One rule for the client's address: the socket's, unless TRUSTED_PROXY_COUNT says otherwise."""

from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from core.client_ip import client_address


def _request(remote: str | None, forwarded: str | None = None) -> Any:
    request = RequestFactory().get("/")
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return request


def test_by_default_the_forwarded_header_is_ignored(settings: Any) -> None:
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert client_address(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # the client's own entry is not trusted
        (2, "1.2.3.4, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (3, "198.51.100.1", "198.51.100.1"),  # fewer entries than proxies: the leftmost
        (1, "not-an-address", "203.0.113.9"),  # garbage: the socket's address
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_trusted_proxies_are_counted_from_the_right(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(_request("203.0.113.9", forwarded)) == expected


def test_a_request_without_an_address_still_has_one() -> None:
    assert client_address(_request(None)) == "unknown"


@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_drf_stock_throttles_use_the_same_rule(settings: Any, proxies: int) -> None:
    from rest_framework.settings import api_settings

    assert api_settings.NUM_PROXIES == settings.TRUSTED_PROXY_COUNT
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = _request("203.0.113.9", "1.2.3.4, 198.51.100.1, 10.0.0.2")
    throttle = type("Probe", (SimpleRateThrottle,), {"rate": "1/min"})()
    assert throttle.get_ident(request) == client_address(request)


@pytest.mark.django_db
def test_a_rotating_forwarded_header_does_not_escape_the_register_limit() -> None:
    statuses = []
    for n in range(25):  # the default limit is 20 an hour per address
        response = APIClient().post(
            "/api/auth/register/",
            {"username": "x", "password": "", "role": "student", "display_name": ""},
            format="json",
            REMOTE_ADDR="203.0.113.77",
            HTTP_X_FORWARDED_FOR=f"10.1.0.{n}",
        )
        statuses.append(response.status_code)
    assert statuses[:20] == [400] * 20
    assert statuses[20:] == [429] * 5
