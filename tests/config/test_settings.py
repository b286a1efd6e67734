"""Settings come from the environment; production is switched on by variables alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-very-long-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "backstage.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://backstage.example.org",
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_HSTS_PRELOAD": "true",
}
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": settings.DATABASES["default"]["NAME"],
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email": settings.EMAIL_BACKEND,
    "hosts": settings.ALLOWED_HOSTS,
    "tz": settings.TIME_ZONE,
    "languages": [code for code, _ in settings.LANGUAGES],
}))
"""


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    clean.pop("DEBUG", None)
    return subprocess.run(
        [sys.executable, *args] if not code else [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(env: dict[str, str]) -> dict[str, object]:
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_embedded_defaults() -> None:
    values = probe({})
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in values["db_options"]["init_command"]  # type: ignore[index]
    assert values["layer"] == "channels.layers.InMemoryChannelLayer"
    assert values["eager"] is True
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["tz"] == "Europe/Brussels"
    assert values["languages"] == ["fr", "nl", "en"]


def test_production_services_from_variables() -> None:
    values = probe(
        {
            **PRODUCTION,
            "DATABASE_URL": "postgres://app:pw@db.internal:5432/backstage",
            "REDIS_URL": "redis://cache.internal:6379/1",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587",
        }
    )
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "backstage"
    assert values["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert values["broker"] == "redis://cache.internal:6379/1"
    assert values["eager"] is False
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["hosts"] == ["backstage.example.org"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "x.org"}, "SECRET_KEY is required"),
        ({**PRODUCTION, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS may not contain '*'"),
    ],
)
def test_unsafe_production_settings_refuse_to_start(env: dict[str, str], message: str) -> None:
    result = run_python(PROBE, env)
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_python("", PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
