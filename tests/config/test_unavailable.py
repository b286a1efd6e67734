"""A service that is down answers 503 with Retry-After, never 500: Redis down, the database
refusing. (The live servers' side is in test_db_pool.py.)"""

import json
from typing import Any

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from core.middleware import ServiceErrorMiddleware, server_error

# Port 9 (discard) has no Redis: every command fails at once.
REDIS_DOWN = "redis://127.0.0.1:9/0"


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_DOWN,
        }
    }


def _assert_api_503(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_token_is_503_when_redis_is_down(student: Any) -> None:
    response = APIClient().post(
        "/api/auth/token/", {"username": student.username, "password": "x"}, format="json"
    )
    _assert_api_503(response)


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_ws_ticket_is_503_when_redis_is_down(student: Any) -> None:
    client = APIClient()
    client.force_authenticate(student)
    _assert_api_503(client.post("/api/ws-ticket/"))


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down")
def test_the_login_form_is_a_plain_503_page_when_redis_is_down(student: Any) -> None:
    response = Client().post("/login/", {"username": student.username, "password": "x"})
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("exc", [RedisConnectionError("down"), OperationalError("refused")])
@pytest.mark.parametrize("path", ["/api/me/", "/rooms/"])
def test_pages_and_api_paths_answer_503_by_the_same_rule(exc: Exception, path: str) -> None:
    middleware = ServiceErrorMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(RequestFactory().get(path), exc)
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    if path.startswith("/api/"):
        assert json.loads(response.content)["error"]["code"] == "unavailable"
    else:
        assert b"<h1>" in response.content


def test_the_500_handler_answers_503_for_an_unavailable_service() -> None:
    request = RequestFactory().get("/")
    try:
        raise OperationalError("too many clients already")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
