"""Backstage settings, read from the environment.

The defaults are the embedded mode (a fresh machine, no services): SQLite in WAL mode, the
in-memory channel layer, Celery tasks run eagerly, e-mail to the console. Production is switched
on by variables (DEBUG=false, SECRET_KEY, DATABASE_URL, REDIS_URL, ...), never by editing files.
"""

import os
import secrets
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from accounts.notifications.celery_schedule import NOTIFICATION_BEAT_SCHEDULE
from chat.celery_schedule import CHAT_BEAT_SCHEDULE
from core import redis_retry
from events.celery_schedule import EVENTS_BEAT_SCHEDULE
from scheduling.celery_schedule import SCHEDULING_BEAT_SCHEDULE

# Lets generic Django classes (ModelAdmin[User], QuerySet[Message]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is convenient for developers; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("DEBUG", default=True)
# The embedded local run (`make run` exports BACKSTAGE_LOCAL=1): plain HTTP on the loopback
# address even with DEBUG off. Production never sets it, and stays strict.
LOCAL_RUN: bool = env.bool("BACKSTAGE_LOCAL", default=False)
# Served over plain HTTP on this machine: no HTTPS redirect, no secure-only cookies, no HSTS.
_LOCAL_HTTP = DEBUG or LOCAL_RUN
PORT: int = env.int("PORT", default=8000)


def _local_secret_key(path: Path) -> str:
    """The local run's key: made on the first run, then kept (mode 0600, ignored by git), so
    sessions survive a restart without a published key."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


_DEV_SECRET_KEY = "django-insecure-embedded-mode-only-never-in-production"  # noqa: S105
SECRET_KEY: str = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = _DEV_SECRET_KEY
elif not SECRET_KEY and LOCAL_RUN:
    SECRET_KEY = _local_secret_key(
        Path(env.str("BACKSTAGE_SECRET_KEY_FILE", default=str(BASE_DIR / ".secret_key")))
    )
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if _LOCAL_HTTP else []
)
if "*" in ALLOWED_HOSTS and not DEBUG:
    # The WebSocket Origin check trusts ALLOWED_HOSTS: a wildcard would let any site in.
    raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' when DEBUG is off.")
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where the site lives, for links in e-mails and calendar files (no request to build them from).
# Locally it follows PORT, as `make run` serves there.
SITE_URL: str = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}" if _LOCAL_HTTP else "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from here: no CDN (CSP)
    "channels",
    "axes",
    "accounts",
    "realtime",
    "gallery",
    "scheduling",
    "events",
    "chat",
    "rooms",
    "safeguarding",
    "frontend",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files need no policy), before the rest so every page has one.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before views and filters read the URL (after the locale, to say it in the user's
    # language): a NUL in it is a 400 (core/input_guard.py).
    "core.input_guard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last but ServiceErrorMiddleware: answers lockouts from logins the views do not handle.
    "axes.middleware.AxesMiddleware",
    "core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # the 404 and 500 pages, the API docs' pages
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
    # transactions never deadlock upgrading a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # A file, not memory, so that a live daphne started by the tests shares the test database;
    # one per test process, so that two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"backstage-test-{os.getpid()}.sqlite3")
    }
    # One file, one process: persistent connections cost nothing and reopening the file for
    # every WebSocket frame dominated the cost of a chat message.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Connections per web process, at most (docs/operations.md). Under ASGI every request runs in a
# thread of its own, and persistent connections left one idle connection per thread until the
# server refused more; a pool bounds them and hands a connection back at the end of each
# request or gateway call. 0: no pool, a connection per request (behind PgBouncer, say).
DB_POOL_SIZE: int = env.int("DB_POOL_SIZE", default=10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Names the connections in pg_stat_activity (and lets the tests count them).
    _db_options["application_name"] = env.str("DB_APPLICATION_NAME", default="backstage")
    if DB_POOL_SIZE > 0:
        _db_options["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN_SIZE", default=2), DB_POOL_SIZE),
            "max_size": DB_POOL_SIZE,
            # Seconds a request waits for a free connection before failing with a 503.
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool requires it; without one, no idle ones
# A pool that checks each connection it hands out spends a round trip on every gateway call;
# without the check, a connection the server dropped fails one call and the pool discards it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(
    "CONN_HEALTH_CHECKS", default="pool" not in DATABASES["default"].get("OPTIONS", {})
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, Celery broker, cache -------------------------------------------
REDIS_URL: str = env.str("REDIS_URL", default="")

CHANNEL_LAYERS: dict[str, Any]
CACHES: dict[str, Any]
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer was the fastest fan-out measured here, and re-subscribes its
            # groups after a Redis restart.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, **redis_retry.async_pool_options()}],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="backstage"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="backstage"),
            "OPTIONS": redis_retry.sync_pool_options(),
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            # The default capacity of 100 silently drops group messages in a burst. The hub
            # (realtime/hub.py) stays in a topic's group while local members remain, so
            # memberships must not expire after the default day.
            "CONFIG": {"capacity": 10_000, "expiry": 120, "group_expiry": 10 * 365 * 86400},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = "Europe/Brussels"
# Periodic jobs (celery beat in production; `make run` runs the reminder loop itself).
CELERY_BEAT_SCHEDULE = {
    **SCHEDULING_BEAT_SCHEDULE,
    **CHAT_BEAT_SCHEDULE,
    **NOTIFICATION_BEAT_SCHEDULE,
    **EVENTS_BEAT_SCHEDULE,
}

# --- Notifications (docs/operations.md) -----------------------------------------------------
# At most one away e-mail per user per interval; a notification read within it is not sent.
NOTIFICATION_EMAIL_INTERVAL_SECONDS: int = env.int("NOTIFICATION_EMAIL_INTERVAL_SECONDS", 300)
# Kinds not e-mailed until the user switches them on (a room starting in minutes is stale
# by the time a batch arrives).
NOTIFICATION_EMAIL_DEFAULT_OFF: list[str] = ["room_starting_soon"]
# Web Push is off unless both keys are set (`vapid --gen`, then `vapid --applicationServerKey`).
WEBPUSH_VAPID_PUBLIC_KEY: str = env.str("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_VAPID_PRIVATE_KEY: str = env.str("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_VAPID_SUBJECT: str = env.str("WEBPUSH_VAPID_SUBJECT", default="mailto:admin@localhost")
# How long before a room's start its host and invitees are told it starts soon.
ROOM_STARTING_SOON_MINUTES: int = env.int("ROOM_STARTING_SOON_MINUTES", 10)
# How long before a speed-meeting event's start its participants and organiser are reminded.
EVENT_REMINDER_MINUTES: int = env.int("EVENT_REMINDER_MINUTES", 60)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "profiles.User"
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:landing"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login protection (django-axes): a client that fails LOGIN_FAILURE_LIMIT times for one username
# from one address is refused for that username from that address during the cool-off, even
# with the right password; the owner elsewhere is not affected, and nobody can lock an account
# by its username alone. The form, API token and API session login count together. Counters
# live in the cache (Redis in production, shared by the processes; memory in the embedded
# mode, which runs one process): no table grows with attackers' attempts, and no addresses
# are kept longer than the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.login_protection.LoginAttemptCacheHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_address"
AXES_FAILURE_LIMIT: int = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_LOCKOUT_SECONDS: int = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_RESET_ON_SUCCESS = True
# The lock runs from the failure that set it, so Retry-After is honest.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The views answer a lockout themselves (accounts.login_protection); this is for other callers
# of authenticate() such as the admin login.
AXES_LOCKOUT_CALLABLE = "accounts.login_protection.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.login_protection.attempted_username"
AXES_VERBOSE = False

# How many proxies in front of the web processes append to X-Forwarded-For (core/client_ip.py).
# 0: the socket's address, the header ignored. Keep it in step with uvicorn's
# FORWARDED_ALLOW_IPS (docs/operations.md).
TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE: str = env.str("TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production serves the collected, hashed files; a local run (DEBUG or not) serves the apps'
# static folders through WhiteNoise directly, with no collectstatic to forget.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if _LOCAL_HTTP
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = _LOCAL_HTTP

# --- Uploaded files (profile photos) ------------------------------------------------------------
# Served by gallery.photo_views (DEBUG on or off): names change with each upload, so they are
# cached for a year.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
PROFILE_PHOTO_MAX_BYTES: int = env.int("PROFILE_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
if _LOCAL_HTTP:
    # Locally, files come from the apps' static folders; STATIC_ROOT exists only after
    # collectstatic, and whitenoise's warning about it is noise.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

# --- E-mail ---------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Backstage <noreply@localhost>")
# How long a password reset link works (seconds): a day, for mailboxes read once a day.
PASSWORD_RESET_TIMEOUT: int = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 3600)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a depth limit, refusing NUL and lone surrogates (400 rather than a 500).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.GuardedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # drf-spectacular's, plus the error responses of every operation (OpenAPI at /api/schema/).
    "DEFAULT_SCHEMA_CLASS": "core.schema.BackstageAutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.api_exception_handler",
    # Anonymous callers are told apart by core.client_ip's rule; this makes DRF's own throttles
    # apply the same one (without it, DRF trusts any X-Forwarded-For).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        # Per address: a class logs in from one school address, so this is generous; failed
        # attempts are also limited per username and address (login protection, above).
        "login": env.str("LOGIN_THROTTLE_RATE", default="60/min"),
        "register": env.str("REGISTER_THROTTLE_RATE", default="20/hour"),
        # Per address too: each request can send e-mails to strangers' mailboxes.
        "password_reset": env.str("PASSWORD_RESET_THROTTLE_RATE", default="10/hour"),
        "ws_ticket": env.str("WS_TICKET_THROTTLE_RATE", default="60/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `?format=` is the gallery's meeting-format filter, not a renderer override.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Backstage API",
    "DESCRIPTION": "REST API of Backstage. The WebSocket protocol is in docs/protocol.md.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "accounts.models.Role",
        "LanguageEnum": "accounts.models.LANGUAGE_CODES",
        "LanguageNameEnum": "accounts.models.LANGUAGE_CHOICES",
        "SelfServiceRoleEnum": "accounts.models.SELF_SERVICE_ROLE_CHOICES",
        "NotificationKindEnum": "accounts.notifications.models.NotificationKind",
        "WindowKindEnum": "scheduling.models.WindowKind",
    },
}

# --- Chat ----------------------------------------------------------------------------------
CHAT_MESSAGES_PER_MINUTE: int = env.int("CHAT_MESSAGES_PER_MINUTE", default=30)
CHAT_MAX_PENDING_REQUESTS: int = env.int("CHAT_MAX_PENDING_REQUESTS", default=3)
# Seconds a user's last connection must stay closed before partners see them go offline, so a
# page load (socket closed, new one opened) is not announced.
CHAT_PRESENCE_GRACE_SECONDS: float = env.float("CHAT_PRESENCE_GRACE_SECONDS", default=3.0)
# Days a chat message is kept before the daily job deletes it (chat/retention.py), unless its
# conversation is under an open report.
CHAT_RETENTION_DAYS: int = env.int("CHAT_RETENTION_DAYS", default=365)

# --- Video rooms (docs/rooms.md) ------------------------------------------------------------
# STUN servers for browsers behind NAT; none by default (loopback and LAN need none).
ROOMS_STUN_URLS: list[str] = env.list("ROOMS_STUN_URLS", default=[])
# TURN relays (coturn with use-auth-secret): credentials are minted per join from the secret.
TURN_URLS: list[str] = env.list("TURN_URLS", default=[])
TURN_SECRET: str = env.str("TURN_SECRET", default="")
TURN_TTL_SECONDS: int = env.int("TURN_TTL_SECONDS", default=3600)
# Signal frames per connection and room, on top of the gateway's limit on all frames.
ROOMS_SIGNAL_RATE_PER_SECOND: float = env.float("ROOMS_SIGNAL_RATE_PER_SECOND", default=10.0)
ROOMS_SIGNAL_BURST: int = env.int("ROOMS_SIGNAL_BURST", default=40)
# Each connection renews its peer entry this often; entries live three intervals.
ROOMS_PEER_REFRESH_SECONDS: float = env.float("ROOMS_PEER_REFRESH_SECONDS", default=60.0)

# --- Realtime gateway -----------------------------------------------------------------------
WS_TICKET_TTL_SECONDS: int = env.int("WS_TICKET_TTL_SECONDS", default=60)
WS_PING_INTERVAL_SECONDS: float = env.float("WS_PING_INTERVAL_SECONDS", default=20.0)
WS_IDLE_TIMEOUT_SECONDS: float = env.float("WS_IDLE_TIMEOUT_SECONDS", default=60.0)
WS_MAX_FRAME_BYTES: int = 64 * 1024
WS_RATE_LIMIT_PER_SECOND: float = env.float("WS_RATE_LIMIT_PER_SECOND", default=20.0)
WS_RATE_LIMIT_BURST: int = env.int("WS_RATE_LIMIT_BURST", default=40)
WS_RATE_LIMIT_STRIKES: int = env.int("WS_RATE_LIMIT_STRIKES", default=20)
WS_MAX_TOPICS: int = env.int("WS_MAX_TOPICS", default=100)
# Each socket re-checks its account and its session or token this often (realtime.sessions).
WS_SESSION_RECHECK_SECONDS: float = env.float("WS_SESSION_RECHECK_SECONDS", default=60.0)

# --- Security (production values come from the environment) --------------------------------
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=not _LOCAL_HTTP)
SESSION_COOKIE_SECURE: bool = env.bool("SESSION_COOKIE_SECURE", default=not _LOCAL_HTTP)
CSRF_COOKIE_SECURE: bool = env.bool("CSRF_COOKIE_SECURE", default=not _LOCAL_HTTP)
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if _LOCAL_HTTP else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not _LOCAL_HTTP
)
# Off by default, so `check --deploy` reports security.W021: joining the browsers' preload
# list binds the domain and every subdomain to HTTPS for months and is slow to undo, a choice
# for whoever owns the domain, not a default.
SECURE_HSTS_PRELOAD: bool = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp 4) -------------------------------------------------
# Pages run and style themselves only from this site's files: no inline script, style
# attribute or event handler. The one inline script, the import map of frontend/base.html,
# carries the request's nonce (import maps cannot be external files).


def _websocket_sources(hosts: list[str]) -> list[str]:
    """The gateway's ws(s) origins: 'self' covers them in CSP Level 3 browsers only."""
    scheme, port = ("ws", ":*") if _LOCAL_HTTP else ("wss", "")
    sources = []
    for host in hosts:
        if host.startswith("["):
            continue  # CSP has no syntax for IPv6 literals; 'self' still covers them
        names = [host[1:], f"*{host}"] if host.startswith(".") else [host]
        sources += [f"{scheme}://{name}{port}" for name in names]
    return sources


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the favicon and a CSS arrow are data: URLs
        "connect-src": [SELF, *_websocket_sources(ALLOWED_HOSTS)],
        "worker-src": [SELF],  # the Web Push service worker, /sw.js
        # The players of gallery/video.py's embed URLs (tests/browser/test_csp.py checks).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# --- Metrics -------------------------------------------------------------------------------
# `/metrics` (config/metrics.py) answers a scraper sending `Authorization: Bearer <token>` or a
# staff session; empty (the default) turns it off. PROMETHEUS_MULTIPROC_DIR: core/metrics.py.
METRICS_TOKEN: str = env.str("METRICS_TOKEN", default="")

# --- Logging -------------------------------------------------------------------------------
# Plain lines, or one JSON object a line with LOG_FORMAT=json (docs/operations.md). Every
# record goes through the one handler, whose filter redacts calendar-feed tokens and tickets
# (core/logging.py): the servers' loggers and Django's own ("django" had a console handler of
# its own under DEBUG) are sent to it.
LOG_FORMAT: str = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT is 'plain' or 'json'.")
_TO_CONSOLE = {"handlers": ["console"], "propagate": False}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.logging.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "uvicorn": _TO_CONSOLE,  # uvicorn.error logs a socket's URL, query string included
        "uvicorn.access": _TO_CONSOLE,
    },
}
