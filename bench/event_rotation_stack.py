"""The processes of a bench/event_rotation.py run: the scratch database and Redis, the server
processes, and the participants' process (bench/event_rotation_load.py) with what it saw of
each round change."""

import contextlib
import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bench.chat_servers import free_port, server_command, wait_port
from bench.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parent.parent


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Measured:
    """One round change as the participants saw it."""

    label: str
    transition_ms: float  # from the trigger to the commit
    latencies: list[float]  # commit → receipt, per participant who got it, ms
    missing: int
    wrong: int

    @property
    def last(self) -> float:
        return max(self.latencies) if self.latencies else float("nan")

    def line(self) -> str:
        return (
            f"  {self.label:<22} transition {self.transition_ms:7.1f} ms | after commit: "
            f"p50 {pct(self.latencies, 0.5):7.1f}  p99 {pct(self.latencies, 0.99):7.1f}  "
            f"last {self.last:7.1f} ms | received {len(self.latencies)}"
            f"/{len(self.latencies) + self.missing}, wrong pairing {self.wrong}"
        )


class Load:
    """The participants' process (bench/event_rotation_load.py)."""

    def __init__(self, clients: list[dict[str, Any]], topic: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "event_rotation_load.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.send({"clients": clients, "topic": topic})

    def send(self, message: dict[str, Any]) -> None:
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps(message) + "\n")
        stdin.flush()

    def receive(self) -> dict[str, Any]:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the load process ended (code {self.process.wait()})")
        return dict(json.loads(line))

    def measure(
        self,
        label: str,
        kind: str,
        round_number: int,
        expected: dict[str, Any],
        action: Any,
        timeout: float,
        check: bool = True,
    ) -> Measured:
        """Arm the clients for `round_number`, run `action` (returns the trigger and commit
        perf_counter stamps), and collect who received what when."""
        self.send(
            {
                "arm": label,
                "round": round_number,
                "kind": kind,
                "expected": expected,
                "timeout": timeout,
                "check": check,
            }
        )
        assert self.receive().get("armed") == label
        called, committed = action()
        verdict = self.receive()
        for wrong in verdict["wrong"]:
            print(f"    wrong pairing: {wrong}", flush=True)
        return Measured(
            label=label,
            transition_ms=(committed - called) * 1000,
            latencies=[(at - committed) * 1000 for at in verdict["at"].values()],
            missing=len(verdict["missing"]),
            wrong=verdict["wrong_count"],
        )

    def close(self) -> None:
        with contextlib.suppress(BrokenPipeError, ValueError):
            self.send({"quit": True})
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Services:
    """The scratch database, Redis, and the server processes of the run."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.scratch = scratch_database("event_rotation")
        self.redis: subprocess.Popen[bytes] | None = None
        self.servers: list[subprocess.Popen[bytes]] = []
        self.ports: list[int] = []
        self.django_ready = False
        self.redis_url = ""
        self.prefix = ""

    def start(self) -> None:
        self.scratch.recreate()
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url:
            port = free_port()
            self.redis = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.tmp),
                ],
                stdout=subprocess.DEVNULL,
            )
            wait_port(port, self.redis)
            redis_url = f"redis://127.0.0.1:{port}/0"
        run = uuid.uuid4().hex[:8]
        self.redis_url, self.prefix = redis_url, f"bench-{run}"
        # Production settings (DEBUG off) with this run's own Redis prefixes: pub/sub channels
        # are shared by every database of a Redis server.
        os.environ.update(
            {
                "REDIS_URL": redis_url,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DEBUG": "false",
                "SECRET_KEY": f"bench-{uuid.uuid4().hex}",
                "SECURE_SSL_REDIRECT": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CHANNEL_LAYER_PREFIX": f"bench-{run}",
                "CACHE_KEY_PREFIX": f"bench-{run}",
                "LOG_LEVEL": "WARNING",
            }
        )
        import django

        django.setup()
        self.django_ready = True
        from config.celery import app

        # The clock queues its ETA task on each transition, as in production; to a queue of
        # this run's own, dropped at the end, since no worker will ever run them.
        app.conf.task_default_queue = self.prefix
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def start_servers(self, kind: str, count: int) -> None:
        started = []
        for _ in range(count):
            port = free_port()
            log = (self.tmp / f"{kind}-{port}.log").open("wb")
            process = subprocess.Popen(
                server_command(kind, "config.asgi:application", port),
                cwd=ROOT,
                env=dict(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.servers.append(process)
            started.append((port, process))
        for port, process in started:
            # A loaded machine takes tens of seconds to import Django in two processes.
            wait_port(port, process, timeout=180)
            self.ports.append(port)

    def logs_tail(self) -> str:
        return "\n".join(
            f"{path.name}: {path.read_text(errors='replace')[-1500:]}"
            for path in sorted(self.tmp.glob("*.log"))
            if path.stat().st_size
        )

    def forget_redis_keys(self) -> None:
        """Delete what this run left in Redis: its cache keys and its Celery queue."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        for pattern in (f"{self.prefix}:*", f"{self.prefix}", f"_kombu.binding*.{self.prefix}"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
        client.close()

    def stop(self) -> None:
        for process in self.servers:
            process.terminate()
        for process in self.servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.prefix:
            self.forget_redis_keys()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=10)
        if self.django_ready:
            from django.db import connections

            connections.close_all()
        self.scratch.recreate(drop_only=True)
