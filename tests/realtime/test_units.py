"""Gateway parts that need no database: origin rules, topics, sizes, the rate limiter."""

import pytest

from realtime.auth import origin_allowed
from realtime.ratelimit import FrameRateLimiter, Verdict
from realtime.schemas import utf8_size_exceeds
from realtime.topics import Topic


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost", True),
        ("https://localhost:8443", True),
        ("http://127.0.0.1:8000", True),
        ("http://[::1]:8000", True),
        ("http://LOCALHOST", True),
        ("https://evil.example", False),
        ("http://localhost.evil.example", False),
        ("http://evil.example/?localhost", False),
        ("http://localhost@evil.example", False),
        ("null", False),
        ("", False),
        ("file://", False),
        ("javascript:localhost", False),
        ("http://[::1", False),
    ],
)
def test_origin_rules(settings, origin: str, allowed: bool) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    assert origin_allowed(origin) is allowed


def test_origin_wildcard_only_under_debug(settings) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = True
    assert origin_allowed("https://anything.example")
    settings.DEBUG = False
    assert not origin_allowed("https://anything.example")


def test_origin_subdomain_pattern(settings) -> None:
    settings.ALLOWED_HOSTS = [".backstage.example"]
    settings.DEBUG = False
    assert origin_allowed("https://backstage.example")
    assert origin_allowed("https://app.backstage.example")
    assert not origin_allowed("https://backstage.example.evil.example")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_burst_then_rate() -> None:
    clock = FakeClock()
    limiter = FrameRateLimiter(rate=2, burst=3, max_strikes=100, clock=clock)
    assert [limiter.admit() for _ in range(4)] == [Verdict.ADMIT] * 3 + [Verdict.REJECT]
    clock.now += 0.5  # one token at 2 per second
    assert [limiter.admit(), limiter.admit()] == [Verdict.ADMIT, Verdict.REJECT]
    clock.now += 60  # never more than the burst
    assert [limiter.admit() for _ in range(4)] == [Verdict.ADMIT] * 3 + [Verdict.REJECT]


def test_strikes_close_and_are_forgiven_when_the_bucket_refills() -> None:
    clock = FakeClock()
    limiter = FrameRateLimiter(rate=1, burst=2, max_strikes=3, clock=clock)
    assert [limiter.admit() for _ in range(4)] == [Verdict.ADMIT] * 2 + [Verdict.REJECT] * 2
    clock.now += 2  # full again: the two strikes are forgiven
    assert [limiter.admit() for _ in range(4)] == [Verdict.ADMIT] * 2 + [Verdict.REJECT] * 2
    clock.now += 1  # one token: not full, strikes stay
    assert limiter.admit() is Verdict.ADMIT
    assert limiter.admit() is Verdict.CLOSE


def test_limiter_refuses_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        FrameRateLimiter(rate=0, burst=1, max_strikes=1)
    with pytest.raises(ValueError):
        FrameRateLimiter(rate=1, burst=0, max_strikes=1)


@pytest.mark.parametrize(
    "text",
    ["user:1", "dm:abc-DEF_9", "room:" + "9" * 60, "a:b", "event_series:7"],
)
def test_topic_round_trip_and_group_name(text: str) -> None:
    topic = Topic.parse(text)
    assert str(topic) == text
    assert topic.group == "t." + text.replace(":", ".", 1)
    assert len(topic.group) < 100
    assert all(c.isascii() and (c.isalnum() or c in "-_.") for c in topic.group)


@pytest.mark.parametrize(
    "text",
    [
        "user",
        "user:",
        ":1",
        "User:1",
        "user:1:2",
        "user:1 ",
        "user:é",
        "user:" + "9" * 61,
        "k" * 33 + ":1",
        "9user:1",
        "user.x:1",
        "user:1/2",
    ],
)
def test_malformed_topics(text: str) -> None:
    with pytest.raises(ValueError):
        Topic.parse(text)


def test_utf8_size() -> None:
    assert not utf8_size_exceeds("a" * 10, 10)
    assert utf8_size_exceeds("a" * 11, 10)
    assert utf8_size_exceeds("é" * 6, 10)  # 6 characters, 12 bytes
    assert not utf8_size_exceeds("é" * 5, 10)
    assert utf8_size_exceeds("😀" * 3, 10)  # 3 characters, 12 bytes


def test_settings_checks(settings) -> None:
    from realtime.checks import check_gateway_settings

    assert check_gateway_settings() == []
    settings.WS_IDLE_TIMEOUT_SECONDS = settings.WS_PING_INTERVAL_SECONDS
    assert [error.id for error in check_gateway_settings()] == ["realtime.E002"]
    settings.WS_RATE_LIMIT_BURST = 0
    assert [error.id for error in check_gateway_settings()] == ["realtime.E001"]


def test_frame_data_is_strict_with_json_semantics() -> None:
    import datetime as dt
    import uuid

    from pydantic import ValidationError

    from realtime.errors import GatewayError
    from realtime.schemas import FrameData, validate_data

    class Booking(FrameData):
        slot: uuid.UUID
        at: dt.datetime
        seats: int

    good = {"slot": str(uuid.UUID(int=1)), "at": "2025-03-01T12:30:00Z", "seats": 2}
    booking = validate_data(Booking, good)
    assert isinstance(booking, Booking)
    assert booking.at.tzinfo is not None and booking.slot == uuid.UUID(int=1)
    for bad in ({**good, "seats": "2"}, {**good, "seats": 2.5}, {**good, "seats": True}):
        with pytest.raises(GatewayError) as raised:
            validate_data(Booking, bad)
        assert raised.value.code == "bad_request"
        assert "data.seats" in raised.value.message
    with pytest.raises(ValidationError):
        Booking.model_validate({**good, "extra": 1})
