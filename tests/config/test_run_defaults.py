"""`make run`'s defaults: DEBUG off unless asked, and still a working site on plain HTTP on this
machine: the site's own 404 page, static files, links to the chosen PORT, a secret key made
once and kept. The server is started with the commands and variables the Makefile's run target
uses (read from `make -n run`), on a free port, with a temporary SQLite database."""

import os
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Each test migrates a fresh database and starts a server, more than the default timeout.
pytestmark = [pytest.mark.live, pytest.mark.timeout(900)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_commands(port: int) -> list[str]:
    """The run target's shell commands (continuations joined), as make would run them."""
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", f"PORT={port}", "HOST=127.0.0.1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands: list[str] = []
    current = ""
    for line in dry.splitlines():
        current += line[:-1] + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            if not current.startswith("#"):  # make -n prints the recipe's @# comments too
                commands.append(current)
            current = ""
    return commands


def the(commands: list[str], marker: str) -> str:
    found = [command for command in commands if marker in command]
    assert len(found) == 1, (marker, commands)
    return found[0]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This machine's environment without the test run's own settings, a fresh database and
    key file (BACKSTAGE_SECRET_KEY_FILE: the checkout's .secret_key stays untouched)."""
    dropped = ("DEBUG", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SITE_URL", "ALLOWED_HOSTS")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(("SECURE_", "DJANGO_", "PYTEST_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    env["BACKSTAGE_SECRET_KEY_FILE"] = str(tmp_path / "secret_key")
    return {**env, **extra}


def get(url: str, language: str = "en") -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


class Server:
    def __init__(self, tmp_path: Path, **extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = clean_env(tmp_path, **extra)
        self.commands = run_commands(self.port)
        self.log = tmp_path / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def shell(self, marker: str) -> None:
        result = subprocess.run(
            ["bash", "-c", the(self.commands, marker)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def python(self, code: str) -> str:
        """`manage.py shell -c` with the run target's variables."""
        prefix = the(self.commands, "manage.py migrate").split(" .venv/bin/python")[0]
        command = f"{prefix} .venv/bin/python manage.py shell -c {shlex.quote(code)}"
        result = subprocess.run(
            ["bash", "-c", command], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        # The last line: Django's shell may first say what it imported.
        return result.stdout.strip().splitlines()[-1]

    def start(self) -> None:
        self.shell("manage.py migrate")
        self.shell("manage.py seed_demo")
        # The server command with its `trap ... kill 0`: a session of its own, so that kill
        # stops the server and the reminder loop and nothing else.
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                ["bash", "-c", the(self.commands, "bin/daphne -b")],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if get(f"{self.url}/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise AssertionError(f"the server never answered:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = Server(tmp_path)
    started.start()
    yield started
    started.stop()


def test_make_run_without_debug_serves_the_site(server: Server, tmp_path: Path) -> None:
    assert "BACKSTAGE_LOCAL=1" in the(server.commands, "bin/daphne -b")
    assert server.python("from django.conf import settings; print(settings.DEBUG)") == "False"

    # An unknown page: the site's own 404, translated, not Django's list of URL patterns.
    status, _type, page = get(f"{server.url}/no-such-page/")
    assert status == 404
    assert "Page not found" in page and 'class="site-header' in page
    assert "URLconf" not in page
    status, _type, page = get(f"{server.url}/no-such-page/", language="nl")
    assert status == 404 and 'lang="nl"' in page
    # Under /api/ the API's JSON error stays.
    status, content_type, body = get(f"{server.url}/api/no-such-endpoint/")
    assert status == 404 and content_type.startswith("application/json"), body

    # Static files, and the pages link to them.
    status, content_type, css = get(f"{server.url}/static/frontend/css/backstage.css")
    assert status == 200 and content_type.startswith("text/css") and ".site-header" in css
    status, _type, landing = get(f"{server.url}/")
    assert status == 200 and "/static/frontend/css/backstage.css" in landing

    # Links in e-mails and calendar files point to the port the site is served on.
    site_url = server.python("from django.conf import settings; print(settings.SITE_URL)")
    assert site_url == f"http://127.0.0.1:{server.port}"

    # A key was made on the first run, readable by its owner only, and is used.
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    used = server.python("from django.conf import settings; print(settings.SECRET_KEY)")
    assert used == key


def test_the_secret_key_is_kept_across_runs(tmp_path: Path) -> None:
    first = Server(tmp_path)
    first.start()
    key = (tmp_path / "secret_key").read_text()
    first.stop()
    second = Server(tmp_path)
    second.start()
    try:
        assert (tmp_path / "secret_key").read_text() == key
        code = "from django.conf import settings; print(settings.SECRET_KEY)"
        assert second.python(code) == key.strip()
    finally:
        second.stop()


def test_debug_true_still_works(tmp_path: Path) -> None:
    server = Server(tmp_path, DEBUG="true")
    server.start()
    try:
        assert server.python("from django.conf import settings; print(settings.DEBUG)") == "True"
        # The positive control of the 404 test above: DEBUG shows Django's own page.
        status, _type, page = get(f"{server.url}/no-such-page/")
        assert status == 404 and "URLconf" in page
        status, _type, css = get(f"{server.url}/static/frontend/css/backstage.css")
        assert status == 200 and ".site-header" in css
        # DEBUG uses the published development key: no key file is made.
        assert not (tmp_path / "secret_key").exists()
    finally:
        server.stop()


def test_production_without_the_local_run_stays_strict(tmp_path: Path) -> None:
    env = clean_env(tmp_path, DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.org")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "repr(s.SITE_URL), s.WHITENOISE_USE_FINDERS)"
    )
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "''", "False"]
    assert not (tmp_path / "secret_key").exists()


def test_the_500_page_needs_no_database_and_no_request(rf: Any) -> None:
    """Django renders it with an empty context while something is broken; pytest-django
    refuses any database access here, so a query would fail this test."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("fr"):
        page = render_to_string("500.html")
    assert "Un problème est survenu" in page or "Something went wrong" in page
    assert 'lang="fr"' in page and "frontend/css/backstage.css" in page
    response = server_error(rf.get("/broken/"))
    assert response.status_code == 500
    assert b'class="site-header"' in response.content
