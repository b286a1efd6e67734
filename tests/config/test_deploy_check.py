"""`manage.py check --deploy` with production settings reports exactly what the README and
docs/operations.md say it reports."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The variables the README's "Production" section lists, services left out: the checks open
# no connection, and the embedded database keeps this test independent of the machine.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-very-long-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "backstage.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://backstage.example.org",
    "SITE_URL": "https://backstage.example.org",
}
CHECK_ID = re.compile(r"\b([a-z_]+\.[CDEIW]\d{3})\b")


def deploy_check_ids(extra: dict[str, str] | None = None) -> set[str]:
    # The test run's own variables (DEBUG, DATABASE_URL, SECURE_*...) must not leak in.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DATABASE_URL", "REDIS_URL") and not key.startswith("SECURE_")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION, **(extra or {})},
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified" in output, output
    return set(CHECK_ID.findall(output))


def documented_ids(path: Path) -> set[str]:
    """The check ids named in the paragraph of `path` that says what `check --deploy` reports."""
    paragraphs = [p for p in path.read_text().split("\n\n") if "check --deploy" in p]
    assert len(paragraphs) == 1, f"{path.name}: one paragraph should describe check --deploy"
    return set(CHECK_ID.findall(paragraphs[0]))


def test_check_deploy_reports_what_the_documentation_says() -> None:
    reported = deploy_check_ids()
    # HSTS preload is off by default on purpose (config/settings.py says why).
    assert reported == {"security.W021"}
    assert documented_ids(ROOT / "README.md") == reported
    assert documented_ids(ROOT / "docs" / "operations.md") == reported


def test_check_deploy_is_silent_once_preload_is_chosen() -> None:
    assert deploy_check_ids({"SECURE_HSTS_PRELOAD": "true"}) == set()
