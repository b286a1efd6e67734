"""Per-connection rate limit of client frames: a token bucket with strikes."""

import time
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    ADMIT = "admit"
    REJECT = "reject"
    CLOSE = "close"


class FrameRateLimiter:
    """Admits `rate` frames a second with bursts up to `burst`.

    Every refused frame is a strike; the `max_strikes`-th says CLOSE. Strikes are forgiven
    once the bucket has refilled completely, so a client that calmed down starts afresh
    while one that keeps pushing past the limit is cut off.
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_strikes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1 or max_strikes < 1:
            raise ValueError("rate, burst and max_strikes must be positive")
        self.rate = rate
        self.burst = float(burst)
        self.max_strikes = max_strikes
        self.strikes = 0
        self._clock = clock
        self._tokens = self.burst
        self._updated = clock()

    def admit(self) -> Verdict:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= self.burst:
            self.strikes = 0
        if self._tokens >= 1:
            self._tokens -= 1
            return Verdict.ADMIT
        self.strikes += 1
        return Verdict.CLOSE if self.strikes >= self.max_strikes else Verdict.REJECT
