"""The servers bench/chat_fanout.py measures: Backstage under daphne or uvicorn, a bare
`websockets` broadcast server, and the Channels tutorial's chat consumer; plus the private
Redis and the scratch database they share."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.scratch_db import ScratchDatabase, scratch_database

ROOT = Path(__file__).resolve().parent.parent

LAYERS = {
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    "core": "channels_redis.core.RedisChannelLayer",
}

# Lifts the per-user chat rate limit and picks the channel layer for the run.
SETTINGS_MODULE = """
from config.settings import *  # noqa: F403

CHAT_MESSAGES_PER_MINUTE = 10**9
CHANNEL_LAYERS["default"]["BACKEND"] = {backend!r}  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "bench_lobby.LobbyConfig"]  # noqa: F405
"""

# A chat topic kind for many members (`lobby:`), as room chat is: the chat's own handler and
# services, access by membership. A 500-member `dm:` would not be realistic: every message
# also announces inbox activity on each member's `user:` topic, which direct chats (two
# members) do and room chats do not.
LOBBY_APP = """
from django.apps import AppConfig


class LobbyConfig(AppConfig):
    name = "bench_lobby"
    label = "bench_lobby"

    def ready(self):
        from chat.access import ChatAccessError, register_chat_access
        from chat.handlers import ChatTopicHandler
        from chat.models import Conversation
        from realtime.registry import topic_handler

        @register_chat_access("lobby")
        def _lobby(user, topic):
            found = Conversation.objects.filter(
                topic=str(topic), memberships__user=user
            ).only("id", "kind", "topic", "last_seq", "last_message_at").first()
            if found is None:
                raise ChatAccessError("forbidden", "Not a member.")
            return found

        @topic_handler
        class LobbyTopicHandler(ChatTopicHandler):
            kind = "lobby"
"""

BARE_SERVER = """
import asyncio, sys
from websockets.asyncio.server import broadcast, serve

clients = set()

async def handler(ws):
    clients.add(ws)
    try:
        async for message in ws:
            broadcast(clients, message)
    finally:
        clients.discard(ws)

async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None,
                     compression=None):
        await asyncio.Future()

asyncio.run(main())
"""

# The Channels tutorial's chat consumer (docs "Tutorial Part 3"), one room, on
# RedisChannelLayer: json.loads per message, group_send per message, json.dumps per member.
TEXTBOOK_APP = """
import json, os

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["channels"],
    CHANNEL_LAYERS={"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": "textbook"},
    }},
)
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.room_group_name = "chat_bench"
        await self.channel_layer.group_add(self.room_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, close_code):
        await self.channel_layer.group_discard(self.room_group_name, self.channel_name)

    async def receive(self, text_data):
        message = json.loads(text_data)["message"]
        await self.channel_layer.group_send(
            self.room_group_name, {"type": "chat.message", "message": message}
        )

    async def chat_message(self, event):
        await self.send(text_data=json.dumps({"message": event["message"]}))


application = ChatConsumer.as_asgi()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited early (code {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_command(server: str, app: str, port: int) -> list[str]:
    if server == "uvicorn":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--ws-max-size",
            "65536",
            "--ws-per-message-deflate",
            "false",
        ]
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]


class Stack:
    """A private Redis, a scratch database, and the server processes of the current run."""

    def __init__(self, tmp: Path, layer: str) -> None:
        self.tmp = tmp
        self.layer = layer
        self.redis_port = free_port()
        self.servers: list[subprocess.Popen[bytes]] = []
        self.redis: subprocess.Popen[bytes] | None = None
        self.scratch: ScratchDatabase | None = None
        self.django_ready = False
        self.database = ""

    def start(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
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
        wait_port(self.redis_port, self.redis)
        self.scratch = scratch_database("bench_chat")
        self.scratch.recreate()
        database_url = os.environ["DATABASE_URL"]
        self.database = "PostgreSQL" if self.scratch.is_postgres else "SQLite"
        (self.tmp / "bench_chat_settings.py").write_text(
            SETTINGS_MODULE.format(backend=LAYERS[self.layer])
        )
        (self.tmp / "bare_server.py").write_text(BARE_SERVER)
        (self.tmp / "textbook_chat.py").write_text(TEXTBOOK_APP)
        (self.tmp / "bench_lobby.py").write_text(LOBBY_APP)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CHANNEL_LAYER_PREFIX": "bench",
            "WS_RATE_LIMIT_PER_SECOND": "100000",
            "WS_RATE_LIMIT_BURST": "100000",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bench_chat_settings",
            "PYTHONPATH": f"{self.tmp}:{ROOT}",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self.env, check=True
        )
        os.environ.update({k: v for k, v in self.env.items() if k != "PYTHONPATH"})
        sys.path.insert(0, str(self.tmp))
        import django

        django.setup()
        self.django_ready = True

    def start_servers(
        self, server: str, count: int, app: str = "config.asgi:application"
    ) -> list[tuple[int, subprocess.Popen[bytes]]]:
        """`count` processes of `server` ("daphne", "uvicorn" or "bare") serving `app`."""
        started = []
        for _ in range(count):
            port = free_port()
            if server == "bare":
                command = [sys.executable, str(self.tmp / "bare_server.py"), str(port)]
            else:
                command = server_command(server, app, port)
            log = (self.tmp / f"{server}-{port}.log").open("wb")
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
            self.servers.append(process)
            wait_port(port, process)
            started.append((port, process))
        return started

    def stop_servers(self) -> None:
        for process in self.servers:
            process.terminate()
        for process in self.servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.servers = []

    def logs_tail(self) -> str:
        return "\n".join(
            f"{path.name}: {path.read_text(errors='replace')[-600:]}"
            for path in sorted(self.tmp.glob("*.log"))
            if path.stat().st_size
        )

    def stop(self) -> None:
        self.stop_servers()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=10)
        if self.scratch is not None and self.scratch.is_postgres:
            from django.db import connections

            if self.django_ready:
                connections.close_all()
            self.scratch.recreate(drop_only=True)


def make_users_and_topic(count: int, prefix: str, kind: str = "lobby") -> tuple[list[Any], str]:
    """`count` users, members of one new conversation of `kind`; its topic."""
    from accounts.models import User
    from chat.models import Conversation, Membership

    users = User.objects.bulk_create(
        [User(username=f"{prefix}{n}", display_name=f"U{n}", role="student") for n in range(count)]
    )
    conversation = Conversation.objects.create(kind=kind)
    conversation.topic = f"{kind}:{conversation.pk}"
    conversation.save(update_fields=["topic"])
    Membership.objects.bulk_create(
        [Membership(conversation=conversation, user=user) for user in users]
    )
    return users, conversation.topic


def tickets_for(users: list[Any]) -> list[str]:
    from realtime.tickets import ticket_issue

    return [ticket_issue(user=user).ticket for user in users]
