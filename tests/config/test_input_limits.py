"""No 500 from input on the REST API: deep JSON, lone surrogates and NUL, absurd pages.

Each case was reproduced as a 500 (issue 18); every answer here is the API's error shape with
a 4xx status, and its body encodes (an echoed lone surrogate could not be rendered).
"""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from core.parsers import MAX_JSON_DEPTH, json_input_problem
from scheduling.models import Mode, Slot, WindowKind
from scheduling.services import availability_window_add, booking_create
from tests.factories import UserFactory, make_witness

pytestmark = pytest.mark.django_db

HUGE_PAGE = "9223372036854775807"


@pytest.fixture
def client() -> APIClient:
    # A 500 is a status here, not an exception out of the test client.
    return APIClient(raise_request_exception=False)


def post_raw(client: APIClient, path: str, text: str, method: str = "post") -> Any:
    return getattr(client, method)(path, data=text.encode(), content_type="application/json")


def assert_bad_request(response: Any, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "bad_request" and error["message"], error
    if field is not None:
        assert field in error["fields"], error
    return error


# --- depth -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/auth/token/", "/api/auth/register/"])
def test_three_thousand_brackets_are_a_bad_request_not_a_recursion_error(
    client: APIClient, path: str
) -> None:
    assert_bad_request(post_raw(client, path, "[" * 3000))
    assert_bad_request(post_raw(client, path, "[" * 3000 + "]" * 3000))


def test_deep_json_for_a_logged_in_caller_too(client: APIClient, student: Any) -> None:
    client.force_authenticate(student)
    deep = '{"display_name": ' + "[" * 200 + "]" * 200 + "}"
    assert_bad_request(post_raw(client, "/api/me/", deep, method="patch"))


def test_the_depth_limit_is_exact() -> None:
    def nested(depth: int) -> Any:
        value: Any = "leaf"
        for level in range(depth):
            value = [value] if level % 2 else {"k": value}
        return value

    assert json_input_problem(nested(MAX_JSON_DEPTH)) is None
    problem = json_input_problem(nested(MAX_JSON_DEPTH + 1))
    assert problem is not None and problem.reason == "depth"


def test_ordinary_bodies_still_parse(client: APIClient) -> None:
    body = {
        "username": "zoé",
        "password": "correct-horse-battery",
        "role": "student",
        "display_name": "Zoé 🎓 \u00e9\u0301",  # non-ASCII and a valid surrogate pair
        "birth_year": 2010,
    }
    response = client.post("/api/auth/register/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["display_name"] == body["display_name"]


# --- lone surrogates and NUL --------------------------------------------------------------------


@pytest.fixture
def pro(db: None) -> Any:
    return UserFactory.create(role="professional", verified=True, preferred_language="en")


def _cases() -> list[tuple[str, str, str, str, str]]:
    """(who, method, path, body template with {bad}, the field at fault)."""
    window = (
        '{"kind": "{bad}", "weekday": 1, "start_time": "18:00", "end_time": "20:00",'
        ' "slot_minutes": 30, "mode": "virtual"}'
    )
    register = (
        '{"username": "sam", "password": "correct-horse-battery", "role": "{bad}",'
        ' "display_name": "Sam", "birth_year": 2010}'
    )
    return [
        ("anonymous", "post", "/api/auth/register/", register, "role"),
        (
            "student",
            "post",
            "/api/reports/",
            '{"target": "user", "id": 1, "reason": "{bad}"}',
            "reason",
        ),
        ("pro", "post", "/api/availability/windows/", window, "kind"),
        ("student", "patch", "/api/me/", '{"time_zone": "{bad}"}', "time_zone"),
        ("student", "patch", "/api/me/", '{"preferred_language": "{bad}"}', "preferred_language"),
        (
            "anonymous",
            "post",
            "/api/auth/login/",
            '{"username": "{bad}", "password": "x"}',
            "username",
        ),
        ("student", "patch", "/api/me/", '{"display_name": "Sam{bad}"}', "display_name"),
    ]


@pytest.mark.parametrize(
    "bad", ["\\ud800", "\\udfff", "\\u0000", "a\\ud83d"], ids=["high", "low", "nul", "cut-pair"]
)
@pytest.mark.parametrize(("who", "method", "path", "template", "field"), _cases())
def test_lone_surrogates_and_nul_are_refused_naming_the_field(
    client: APIClient,
    student: Any,
    pro: Any,
    who: str,
    method: str,
    path: str,
    template: str,
    field: str,
    bad: str,
) -> None:
    if who != "anonymous":
        client.force_authenticate({"student": student, "pro": pro}[who])
    error = assert_bad_request(post_raw(client, path, template.replace("{bad}", bad), method))
    assert error["fields"] == {field: [error["fields"][field][0]]}


def test_a_bad_key_or_a_bad_nested_string_is_refused(client: APIClient, student: Any) -> None:
    client.force_authenticate(student)
    assert_bad_request(post_raw(client, "/api/me/", '{"\\ud800": "x"}', "patch"))
    assert_bad_request(
        post_raw(client, "/api/me/", '{"display_name": ["ok", {"a": "\\u0000"}]}', "patch"),
        field="display_name",
    )
    assert_bad_request(post_raw(client, "/api/me/", '"\\ud800"', "patch"))


# --- query parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/profiles/?q=%00",
        "/api/profiles/?q=nurse%00",
        "/api/profiles/?sector=%00",
        "/api/profiles/?skill=a%00b",
        "/api/profiles/?%00=1",
        "/api/bookings/?when=%00",
        "/api/slots/?professional=%00",
        "/api/rooms/?status=%00",
        "/api/reports/?status=%00",
    ],
)
def test_nul_in_a_query_parameter_is_a_bad_request(
    client: APIClient, student: Any, url: str
) -> None:
    client.force_authenticate(student)
    assert_bad_request(client.get(url))


def test_nul_in_the_query_of_a_page_is_a_bad_request(student: Any) -> None:
    from django.test import Client

    browser = Client(raise_request_exception=False)
    browser.force_login(student)
    response = browser.get("/explore/?q=nurse%00")
    assert response.status_code == 400
    assert browser.get("/explore/?q=nurse").status_code == 200


# --- pages --------------------------------------------------------------------------------------


def _booked(student: Any, pro: Any, count: int) -> None:
    day = timezone.localdate() + dt.timedelta(days=3)
    window = availability_window_add(
        professional=pro,
        kind=WindowKind.ONE_OFF,
        start_date=day,
        start_time=dt.time(9),
        end_time=dt.time(9 + count),
        slot_minutes=60,
        capacity=1,
        mode=Mode.VIRTUAL,
        address="",
    )
    for slot in Slot.objects.filter(window=window):
        booking_create(student=student, slot_id=slot.pk)


@pytest.mark.parametrize("page", [HUGE_PAGE, "10001", "1" + "0" * 40])
@pytest.mark.parametrize("path", ["/api/bookings/", "/api/profiles/"])
def test_absurd_pages_are_not_found(client: APIClient, student: Any, path: str, page: str) -> None:
    client.force_authenticate(student)
    response = client.get(path, {"page": page})
    assert response.status_code == 404, (response.status_code, response.content[:300])
    assert response.json()["error"]["code"] == "not_found"


def test_a_page_past_the_end_is_not_found_and_the_last_one_is_there(
    client: APIClient, student: Any, pro: Any
) -> None:
    _booked(student, pro, 3)
    client.force_authenticate(student)
    last = client.get("/api/bookings/", {"page": 2, "page_size": 2})
    assert last.status_code == 200 and len(last.json()["results"]) == 1
    assert client.get("/api/bookings/", {"page": 3, "page_size": 2}).status_code == 404
    # An empty list still has its first page.
    client.force_authenticate(pro)
    assert client.get("/api/profiles/", {"q": "nobody-matches-this"}).status_code == 200


def test_profiles_past_the_end_are_not_found(client: APIClient, student: Any) -> None:
    for n in range(3):
        make_witness(job_title=f"Pilote {n}", sector="transport")
    client.force_authenticate(student)
    assert client.get("/api/profiles/", {"page": 1, "page_size": 2}).status_code == 200
    assert client.get("/api/profiles/", {"page": 2, "page_size": 2}).status_code == 200
    assert client.get("/api/profiles/", {"page": 3, "page_size": 2}).status_code == 404


def test_the_parser_names_what_it_refuses_without_echoing_it() -> None:
    problem = json_input_problem({"role": "\ud800"})
    assert problem is not None and problem.field == "role" and problem.reason == "text"
    error = problem.as_validation_error()
    assert isinstance(error, ValidationError)
    assert "\ud800" not in str(error.detail)
