"""Slow down password guessing per account, not per address.

A whole class logs in from one school address, so an address limit alone would lock students
out; counting failed attempts per username stops guessing on one account without that.
"""

import hashlib

from django.core.cache import cache

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


def _key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def login_blocked(*, username: str) -> bool:
    """True while the account has had too many failed attempts in the window."""
    return int(cache.get(_key(username), 0)) >= MAX_FAILURES


def login_failure_record(*, username: str) -> None:
    key = _key(username)
    # add() sets the window once; incr() keeps it, so the window runs from the first failure.
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=WINDOW_SECONDS)


def login_success_record(*, username: str) -> None:
    cache.delete(_key(username))
