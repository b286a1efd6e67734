"""Tickets: the service promises and POST /api/ws-ticket/."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from realtime.models import WsTicket
from realtime.tickets import ticket_issue, ticket_redeem


def _expire_all() -> None:
    now = timezone.now()
    WsTicket.objects.update(
        created_at=now - timedelta(seconds=61), expires_at=now - timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_issue_stores_only_a_hash_and_redeems_once(student) -> None:
    issued = ticket_issue(user=student)
    assert issued.expires_in == 60
    assert len(issued.ticket) >= 40
    row = WsTicket.objects.get()
    assert row.token_hash == hashlib.sha256(issued.ticket.encode()).hexdigest()
    assert issued.ticket not in {row.token_hash, str(row)}
    assert timedelta(seconds=59) <= row.expires_at - row.created_at <= timedelta(seconds=61)

    assert ticket_redeem(ticket=issued.ticket) == student
    assert WsTicket.objects.get().used_at is not None
    assert ticket_redeem(ticket=issued.ticket) is None


@pytest.mark.django_db
def test_tickets_are_distinct_and_bound_to_their_user(student, professional) -> None:
    first, second = ticket_issue(user=student), ticket_issue(user=professional)
    assert first.ticket != second.ticket
    assert ticket_redeem(ticket=second.ticket) == professional
    assert ticket_redeem(ticket=first.ticket) == student


@pytest.mark.django_db
def test_expired_ticket_is_refused(student, settings) -> None:
    issued = ticket_issue(user=student)
    _expire_all()
    assert ticket_redeem(ticket=issued.ticket) is None
    # The refused attempt did not mark it used either.
    assert WsTicket.objects.get().used_at is None


@pytest.mark.django_db
def test_ttl_comes_from_settings(student, settings) -> None:
    settings.WS_TICKET_TTL_SECONDS = 5
    issued = ticket_issue(user=student)
    row = WsTicket.objects.get()
    assert issued.expires_in == 5
    assert row.expires_at - row.created_at == timedelta(seconds=5)


@pytest.mark.django_db
@pytest.mark.parametrize("ticket", ["", "x", "not-a-ticket", "a" * 43, "a" * 10_000])
def test_unknown_or_malformed_ticket_is_refused(student, ticket: str) -> None:
    ticket_issue(user=student)
    assert ticket_redeem(ticket=ticket) is None
    assert WsTicket.objects.get().used_at is None


@pytest.mark.django_db
def test_inactive_user_gets_nothing(student) -> None:
    issued = ticket_issue(user=student)
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert ticket_redeem(ticket=issued.ticket) is None


@pytest.mark.django_db
def test_issue_purges_expired_tickets_only(student) -> None:
    old = [ticket_issue(user=student) for _ in range(3)]
    _expire_all()
    fresh = ticket_issue(user=student)
    another = ticket_issue(user=student)
    assert WsTicket.objects.count() == 2
    assert all(ticket_redeem(ticket=t.ticket) is None for t in old)
    assert ticket_redeem(ticket=fresh.ticket) == student
    assert ticket_redeem(ticket=another.ticket) == student


@pytest.mark.django_db
def test_purge_is_one_query(student, django_assert_num_queries) -> None:
    ticket_issue(user=student)
    _expire_all()
    with django_assert_num_queries(2):  # the DELETE of expired rows, the INSERT
        ticket_issue(user=student)


@pytest.mark.django_db(transaction=True)
def test_concurrent_redeems_admit_exactly_one(student) -> None:
    """Eight threads (eight database connections) race for one ticket: one wins."""
    issued = ticket_issue(user=student)
    barrier = threading.Barrier(8)

    def race() -> object:
        barrier.wait()
        try:
            return ticket_redeem(ticket=issued.ticket)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: race(), range(8)))
    assert [result for result in results if result is not None] == [student]


# --- REST -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rest_requires_authentication(api_client: APIClient) -> None:
    response = api_client.post("/api/ws-ticket/")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert error["message"]
    assert not WsTicket.objects.exists()


@pytest.mark.django_db
def test_rest_refuses_a_bad_token(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = api_client.post("/api/ws-ticket/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.django_db
def test_rest_with_token(api_client: APIClient, student) -> None:
    token = Token.objects.create(user=student)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.post("/api/ws-ticket/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"ticket", "expires_in"}
    assert body["expires_in"] == 60
    assert ticket_redeem(ticket=body["ticket"]) == student


@pytest.mark.django_db
def test_rest_with_session_and_csrf(student) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)  # axes wants a request with every password check
    refused = client.post("/api/ws-ticket/")
    assert refused.status_code == 403  # a session write needs the CSRF token
    assert refused.json()["error"]["code"] == "forbidden"

    # What a page does: the CSRF cookie it was given, echoed in the header.
    csrf_value = "k" * 32
    client.cookies["csrftoken"] = csrf_value
    response = client.post("/api/ws-ticket/", HTTP_X_CSRFTOKEN=csrf_value)
    assert response.status_code == 200, response.json()
    assert ticket_redeem(ticket=response.json()["ticket"]) == student


@pytest.mark.django_db
def test_rest_get_is_not_allowed(api_client: APIClient, student) -> None:
    api_client.force_authenticate(student)
    assert api_client.get("/api/ws-ticket/").status_code == 405


@pytest.mark.django_db
def test_rest_is_throttled_per_user(api_client: APIClient, student, professional) -> None:
    api_client.force_authenticate(student)
    statuses = [api_client.post("/api/ws-ticket/").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    assert api_client.post("/api/ws-ticket/").json()["error"]["code"] == "rate_limited"
    api_client.force_authenticate(professional)
    assert api_client.post("/api/ws-ticket/").status_code == 200


@pytest.mark.django_db
def test_openapi_schema_documents_the_endpoint(api_client: APIClient) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/ws-ticket/"]["post"]
    assert "200" in operation["responses"]
