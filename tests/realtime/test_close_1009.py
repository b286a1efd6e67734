"""docs/protocol.md: a frame over 64 KiB closes with 1009. Checked against the commands the
project ships, read from the Makefile's `run` target (daphne) and the Procfile's `web`
(uvicorn), so a change of their flags is tested as it is shipped."""

import asyncio
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from realtime.tickets import ticket_issue
from tests.conftest import ROOT, LiveDaphne, _database_url_for_subprocess, _free_port, stop_daphne

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
]


def makefile_daphne(port: int) -> list[str]:
    """The daphne command of `make run`, with its flags as written, on 127.0.0.1:`port`."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    found = re.search(r"\$\(BIN\)/daphne (.*?config\.asgi:application)", text)
    assert found, "the Makefile's run target starts no daphne"
    words = shlex.split(found.group(1).replace("$(HOST)", "127.0.0.1"))
    words = [word.replace("$(PORT)", str(port)) for word in words]
    return [sys.executable, "-m", "daphne", *words]


def procfile_web(port: int) -> list[str]:
    """The Procfile's `web` command, run by a shell as a platform runs it, on $PORT=`port`."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            # exec: the server replaces the shell, so stopping it stops the server.
            return ["/bin/sh", "-c", f"exec {line.removeprefix('web:').strip()}"]
    raise AssertionError("the Procfile has no web process")


def serve(
    command: list[str], port: int, log: Path, extra_env: dict[str, str] | None = None
) -> LiveDaphne:
    """Run a server command on the test database; returns once it listens."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PORT": str(port),
        "DATABASE_URL": _database_url_for_subprocess(),
        "DEBUG": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CHANNEL_LAYER_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    live = LiveDaphne(port, process, log)
    # No deadline of its own: a loaded machine took over 30 s to start two workers; pytest's
    # timeout ends a server that never listens.
    while process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return live
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{command} exited early:\n{live.output()}")


SHIPPED = {"daphne (make run)": makefile_daphne, "uvicorn (Procfile web)": procfile_web}


@pytest.fixture(scope="module", params=list(SHIPPED))
def shipped_server(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveDaphne]:
    port = _free_port()
    with django_db_blocker.unblock():
        live = serve(
            SHIPPED[request.param](port), port, tmp_path_factory.mktemp("shipped") / "server.log"
        )
    yield live
    stop_daphne(live)


def test_the_commands_are_read_from_the_shipped_files() -> None:
    daphne = makefile_daphne(8000)
    assert daphne[1:3] == ["-m", "daphne"] and daphne[-1] == "config.asgi:application"
    assert daphne[daphne.index("-p") : daphne.index("-p") + 2] == ["-p", "8000"]
    assert shlex.split(procfile_web(8000)[2])[:2] == ["exec", "uvicorn"]


@pytest.mark.parametrize("size", [66_000, 200_000, 1_000_000])
async def test_oversized_frame_closes_1009(
    shipped_server: LiveDaphne, student: Any, size: int
) -> None:
    ticket = await sync_to_async(lambda: ticket_issue(user=student).ticket)()
    frame = json.dumps({"type": "pong", "pad": "x" * size})
    async with connect(f"{shipped_server.ws_url}?ticket={ticket}", max_size=None) as ws:
        joined = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert joined["type"] == "joined", joined
        with pytest.raises(ConnectionClosed) as closed:
            await ws.send(frame)
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 5))
                assert message["type"] == "ping", message
    # rcvd is None when the socket was dropped without a close frame: the client sees 1006.
    assert closed.value.rcvd is not None, f"no close frame, the client saw {closed.value}"
    assert closed.value.rcvd.code == 1009, closed.value
