"""The clock under `make run`, in both modes: the processes the Makefile's run target starts
(daphne and `manage.py run_event_clock --every 1`, with its environment) move a live event to
its next phase when the phase runs out, and a WebSocket client hears it, with nobody calling a
service. Embedded (no REDIS_URL: in-memory channel layer, eager Celery) and with Redis.
"""

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import ClientConnection, connect

from events.models import Event, EventPhaseLog
from events.services.clock import event_start
from realtime.tickets import ticket_issue
from tests.chat.test_live import PrivateRedis
from tests.conftest import ROOT, SERVER_START_TIMEOUT, _database_url_for_subprocess, _free_port
from tests.realtime import conftest as gateway

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("thread_connections_closed"),
    pytest.mark.timeout(300),
]

# The gateway's fixture that closes the database connections of asgiref's thread.
thread_connections_closed = gateway.thread_connections_closed

# The commands of the Makefile's run target (checked against it below), after `$(BIN)/`.
CLOCK_COMMAND = "python manage.py run_event_clock --every 1"
DAPHNE_FLAGS = "--websocket-max-message-size 2097152 --websocket-max-frame-size 2097152"
# Generous: the loop checks every second; a loaded CI machine may be slow to start it.
CLOCK_TIMEOUT = 60.0


def test_make_run_starts_the_clock_beside_daphne() -> None:
    """What the tests below start is what `make run` starts."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
    assert f"$(RUN_ENV) $(BIN)/{CLOCK_COMMAND} &" in recipe
    assert f"$(RUN_ENV) $(BIN)/daphne -b $(HOST) -p $(PORT) {DAPHNE_FLAGS}" in " ".join(
        recipe.split()
    )
    assert "RUN_ENV := DEBUG=$${DEBUG:-false} BACKSTAGE_LOCAL=1 PORT=$(PORT)" in makefile


class MakeRun:
    """daphne and the event clock as `make run` starts them, on the test database."""

    def __init__(self, tmp_dir: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.tmp_dir = tmp_dir
        key_file = tmp_dir / "secret_key"
        key_file.write_text(uuid.uuid4().hex * 2 + "\n")  # made once: both processes read it
        self.env = {
            **os.environ,
            # The run target's RUN_ENV.
            "DEBUG": "false",
            "BACKSTAGE_LOCAL": "1",
            "PORT": str(self.port),
            # The test's database, and files out of the checkout.
            "DATABASE_URL": _database_url_for_subprocess(),
            "BACKSTAGE_SECRET_KEY_FILE": str(key_file),
            "MEDIA_ROOT": str(tmp_dir / "media"),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.http_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws/"

    def _start(self, name: str, command: list[str]) -> None:
        log = self.tmp_dir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped with its children, as make's `kill 0` does
            )
        self.processes.append((process, log))

    def start(self) -> None:
        bin_dir = Path(sys.executable).parent
        self._start("clock", [sys.executable, *CLOCK_COMMAND.split()[1:]])
        self._start(
            "daphne",
            [
                str(bin_dir / "daphne"),
                *("-b", "127.0.0.1", "-p", str(self.port)),
                *DAPHNE_FLAGS.split(),
                "config.asgi:application",
            ],
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            for process, _log in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a `make run` process exited early:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne did not listen:\n{self.output()}")

    def output(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')}" for _p, log in self.processes
        )

    def stop(self) -> None:
        for process, _log in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process, _log in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(params=["embedded", "redis"])
def make_run(
    request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path
) -> Iterator[MakeRun]:
    """`make run`'s processes without REDIS_URL (the embedded mode: in-memory channel layer,
    eager Celery) and with it (this run's Redis, or a private one)."""
    redis: PrivateRedis | None = None
    if request.param == "embedded":
        env = {"REDIS_URL": ""}
    elif os.environ.get("REDIS_URL"):
        env = {"CHANNEL_LAYER_PREFIX": f"clock-{uuid.uuid4().hex[:8]}"}
    elif shutil.which("redis-server"):
        redis = PrivateRedis(tmp_path)
        redis.start()
        env = {"REDIS_URL": redis.url}
    else:
        pytest.skip("needs REDIS_URL or redis-server")
    run = MakeRun(tmp_path, env)
    try:
        run.start()
        yield run
    finally:
        run.stop()
        if redis is not None:
            redis.stop()


def make_live_event(make_event: Callable[..., Event], make_user: Callable[..., Any]) -> Event:
    # Two tables of one: each student meets the other professional in round 2.
    professionals = [make_user(role="professional", verified=True) for _ in range(2)]
    students = [make_user(role="student", birth_year=2010) for _ in range(2)]
    return make_event(
        rounds=2,
        round_seconds=30,
        break_seconds=30,
        students_per_table=1,
        students=students,
        professionals=professionals,
    )


async def next_push(ws: ClientConnection, event_type: str, timeout: float) -> dict[str, Any]:
    """The next push of `event_type` (pings answered, other frames skipped)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        message = json.loads(await asyncio.wait_for(ws.recv(), max(left, 0.01)))
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
        elif message["type"] == event_type:
            found: dict[str, Any] = message
            return found


def run_out(event: Event) -> None:
    """The current phase ran out a second ago: only the clock's loop can notice."""
    Event.objects.filter(pk=event.pk).update(phase_ends_at=timezone.now() - dt.timedelta(seconds=1))


def phase_of(event: Event) -> tuple[str, int, str | None]:
    event.refresh_from_db()
    return event.status, event.round, event.phase


async def test_the_clock_moves_on_by_itself(
    make_run: MakeRun,
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    organiser: Any,
) -> None:
    event = await sync_to_async(make_live_event)(make_event, make_user)
    student = await sync_to_async(
        lambda: event.participants.filter(role="student").first().user  # type: ignore[union-attr]
    )()
    ticket = await sync_to_async(lambda: ticket_issue(user=student).ticket)()
    token = (await sync_to_async(Token.objects.create)(user=organiser)).key
    async with connect(f"{make_run.ws_url}?ticket={ticket}") as ws:
        await next_push(ws, "joined", CLOCK_TIMEOUT)
        await ws.send(json.dumps({"type": "join", "topic": event.topic, "ref": "j"}))
        assert (await next_push(ws, "reply", CLOCK_TIMEOUT))["ok"]

        # The organiser starts it, as from the dashboard: the client hears round 1 begin.
        async with httpx.AsyncClient(timeout=CLOCK_TIMEOUT) as http:
            started = await http.post(
                f"{make_run.http_url}/api/events/{event.pk}/start/",
                headers={"Authorization": f"Token {token}"},
            )
        assert started.status_code == 200, started.text
        first = await next_push(ws, "round.started", CLOCK_TIMEOUT)
        assert first["data"]["round"] == 1 and first["data"]["pairing"] is not None

        # Round 1 runs out: the break begins with nobody calling a service.
        await sync_to_async(run_out)(event)
        try:
            pause = await next_push(ws, "break.started", CLOCK_TIMEOUT)
        except TimeoutError:
            state = await sync_to_async(phase_of)(event)
            pytest.fail(f"no break.started (event now {state}):\n{make_run.output()}")
        assert pause["data"]["round"] == 1
        assert await sync_to_async(phase_of)(event) == ("live", 1, "break")

        # And the break runs out: round 2 begins, with this student's pairing.
        await sync_to_async(run_out)(event)
        second = await next_push(ws, "round.started", CLOCK_TIMEOUT)
        assert second["data"]["round"] == 2
        assert student.pk in {s["id"] for s in second["data"]["pairing"]["students"]}
    logged = await sync_to_async(
        lambda: list(EventPhaseLog.objects.filter(event=event).values_list("round", "phase"))
    )()
    assert sorted(logged) == [(1, "break"), (1, "meeting"), (2, "meeting")]


async def test_the_clock_moves_on_for_clients_of_a_restarted_server(
    make_run: MakeRun,
    make_event: Callable[..., Event],
    make_user: Callable[..., Any],
    organiser: Any,
) -> None:
    """The event was started before this server process ran (a restart of `make run`): no
    control has reached it since, yet a client that joins the event hears the next phase."""
    event = await sync_to_async(make_live_event)(make_event, make_user)
    await sync_to_async(event_start)(organiser=organiser, event_id=event.pk)
    ticket = await sync_to_async(lambda: ticket_issue(user=organiser).ticket)()
    async with connect(f"{make_run.ws_url}?ticket={ticket}") as ws:
        await next_push(ws, "joined", CLOCK_TIMEOUT)
        await ws.send(json.dumps({"type": "join", "topic": event.topic, "ref": "j"}))
        joined = await next_push(ws, "reply", CLOCK_TIMEOUT)
        assert joined["ok"] and joined["data"]["state"]["round"] == 1
        await sync_to_async(run_out)(event)
        try:
            pause = await next_push(ws, "break.started", CLOCK_TIMEOUT)
        except TimeoutError:
            state = await sync_to_async(phase_of)(event)
            pytest.fail(f"no break.started (event now {state}):\n{make_run.output()}")
        assert pause["data"]["round"] == 1
