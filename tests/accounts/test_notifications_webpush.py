"""Web Push against a push service the test runs: a real HTTP server thread receives the
encrypted POST, signed with the site's VAPID key; the test decrypts it with the browser's
keys. A subscription the service answers 410 for is deleted."""

import base64
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece  # type: ignore[import-untyped]
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from rest_framework.test import APIClient

from accounts.notifications.models import PushSubscription
from accounts.notifications.service import notify

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_eager")]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


class PushService:
    """A push service endpoint: records each request, answers `status`."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 201
        self.arrived = threading.Event()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                service.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def vapid(settings: Any) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    settings.WEBPUSH_VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32))
    settings.WEBPUSH_VAPID_PUBLIC_KEY = b64url(public_bytes(key))
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:ops@example.org"
    return key


class Browser:
    """What a browser keeps for one subscription: its P-256 key pair and auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def keys(self) -> dict[str, str]:
        return {"p256dh": b64url(public_bytes(self.key)), "auth": b64url(self.auth)}


def subscribe(user: Any, endpoint: str, browser: Browser) -> None:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/notifications/push/", {"endpoint": endpoint, "keys": browser.keys()}, format="json"
    )
    assert response.status_code == 201, response.content


def test_a_notification_is_pushed_encrypted_and_signed(
    push_service: PushService, vapid: ec.EllipticCurvePrivateKey, professional: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://backstage.example"
    browser = Browser()
    subscribe(professional, f"{push_service.origin}/push/device-1", browser)
    with transaction.atomic():
        notify(
            user_id=professional.pk,
            kind="contact_requested",
            data={"request": 3, "name": "Léa", "url": "/chats/"},
        )
        assert push_service.requests == []  # nothing before the commit
    assert push_service.arrived.wait(10)
    (request,) = push_service.requests
    assert request["path"] == "/push/device-1"
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0
    # VAPID (RFC 8292): a JWT signed by the site's key, and that key.
    scheme, _sep, params = headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == settings.WEBPUSH_VAPID_PUBLIC_KEY
    claims = json.loads(b64url_decode(fields["t"].split(".")[1]))
    assert claims["aud"] == push_service.origin and claims["sub"] == "mailto:ops@example.org"
    # Only the subscribed browser can read it.
    plain = http_ece.decrypt(
        request["body"], private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
    )
    message = json.loads(plain)
    assert message["title"] == "Backstage"
    assert "Léa" in message["body"]
    assert message["url"] == "https://backstage.example/chats/"


def test_a_gone_subscription_is_deleted(
    push_service: PushService, vapid: ec.EllipticCurvePrivateKey, professional: Any
) -> None:
    subscribe(professional, f"{push_service.origin}/push/kept", Browser())
    notify(user_id=professional.pk, kind="report_handled", data={})
    assert push_service.arrived.wait(10)
    assert PushSubscription.objects.filter(user=professional).count() == 1  # 201: kept

    push_service.status = 410
    push_service.arrived.clear()
    notify(user_id=professional.pk, kind="report_handled", data={})
    assert push_service.arrived.wait(10)
    assert not PushSubscription.objects.filter(user=professional).exists()


def test_subscribing_needs_the_keys_configured_and_unsubscribing_forgets(
    settings: Any, professional: Any, vapid: ec.EllipticCurvePrivateKey
) -> None:
    client = APIClient()
    client.force_authenticate(professional)
    body = {"endpoint": "https://push.example/abc", "keys": Browser().keys()}
    assert client.post("/api/notifications/push/", body, format="json").status_code == 201
    gone = client.delete(
        "/api/notifications/push/", {"endpoint": "https://push.example/abc"}, format="json"
    )
    assert gone.status_code == 204
    assert not PushSubscription.objects.exists()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    refused = client.post("/api/notifications/push/", body, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    assert not PushSubscription.objects.exists()
