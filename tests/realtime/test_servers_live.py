"""The servers as started for real: daphne patches itself once at start-up, and the Procfile's
`web` serves with uvicorn, unpatched, with the options daphne had (proxy headers, 64 KiB)."""

import asyncio
import json
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from accounts.models import User
from realtime.tickets import ticket_issue
from tests.conftest import (
    ROOT,
    LiveDaphne,
    _database_url_for_subprocess,
    _free_port,
    start_daphne,
    stop_daphne,
)

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]

PATCHED = "daphne patched: close codes, write at once, frame once"


async def _closed_with(url: str, message: str | None = None) -> tuple[int, str]:
    """Connect, send `message` after the first frame if any, read until the server closes;
    return its close code and reason."""
    async with connect(url, max_size=None) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if message is not None:
                assert first["type"] == "joined", first
                await ws.send(message)
            while True:
                await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_daphne_installs_its_patches_once_at_start_up(
    transactional_db: None, tmp_path: Path
) -> None:
    live = start_daphne(tmp_path)
    try:
        assert live.output().count(PATCHED) == 1  # logged before daphne listened
        code, _reason = await _closed_with(live.ws_url)  # a socket installs nothing more
        assert code == 4401
        assert live.output().count(PATCHED) == 1
        assert "daphne runs without" not in live.output()
    finally:
        stop_daphne(live)


def _procfile_web() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("the Procfile has no web process")


@pytest.fixture
def procfile_web(transactional_db: None, tmp_path: Path) -> Iterator[LiveDaphne]:
    """The Procfile's `web` command, run by a shell as a platform runs it, on $PORT."""
    assert shlex.split(_procfile_web())[0] == "uvicorn"
    port = _free_port()
    log = tmp_path / "web.log"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PORT": str(port),
        "DATABASE_URL": _database_url_for_subprocess(),
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("FORWARDED_ALLOW_IPS", None)
    with log.open("wb") as out:
        # exec: the server replaces the shell, so stopping it stops the server.
        process = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {_procfile_web()}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    live = LiveDaphne(port, process, log)
    try:
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the web process did not listen:\n{live.output()}")
        yield live
    finally:
        stop_daphne(live)


async def test_procfile_web_is_uvicorn_unpatched_with_daphnes_options(
    procfile_web: LiveDaphne, student: User
) -> None:
    # Proxy headers are trusted only from the proxies the operator names (FORWARDED_ALLOW_IPS,
    # by default 127.0.0.1): a client elsewhere cannot choose the address that the logs and the
    # per-address limits see (issue 18).
    untrusted = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with httpx.AsyncClient(base_url=procfile_web.http_url, transport=untrusted) as http:
        response = await http.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    trusted = httpx.AsyncHTTPTransport(local_address="127.0.0.1")
    async with httpx.AsyncClient(base_url=procfile_web.http_url, transport=trusted) as http:
        response = await http.get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 200
    output = procfile_web.output()
    assert "203.0.113.9" not in output
    assert "127.0.0.2:" in output
    assert '198.51.100.7:0 - "GET /healthz' in output

    ticket = await sync_to_async(lambda: ticket_issue(user=student).ticket)()
    url = f"{procfile_web.ws_url}?ticket={ticket}"
    async with connect(url) as ws:  # the client offers permessage-deflate: refused, as daphne
        assert ws.response is not None
        assert ws.response.headers.get("Sec-WebSocket-Extensions") is None
    ticket = await sync_to_async(lambda: ticket_issue(user=student).ticket)()
    code, reason = await _closed_with(f"{procfile_web.ws_url}?ticket={ticket}", "x" * 65537)
    assert code == 1009
    assert "65536" in reason  # uvicorn's own limit refused it, before the gateway read it

    assert "daphne patched" not in procfile_web.output()
    assert "daphne runs without" not in procfile_web.output()
