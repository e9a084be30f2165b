"""Retry pacing for the shop server: exponential backoff with full jitter, and an online monitor.

Both are pure: no sleeping, no clock reads. The caller passes ``now`` (monotonic seconds) and a
``random.Random``, so the sync worker and its tests decide what time it is.

Full jitter (a uniform delay between 0 and the exponential ceiling) is used because many tills
of one shop go offline together when the router restarts; without jitter they would all come
back and hit the server in the same second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["next_delay", "backoff_ceiling", "OnlineMonitor"]


def backoff_ceiling(attempt: int, base: float, cap: float) -> float:
    """The largest delay allowed before retry number ``attempt`` (0-based): ``min(cap, base*2**attempt)``."""
    if attempt < 0:
        raise ValueError("attempt must be >= 0")
    if base <= 0 or cap <= 0:
        raise ValueError("base and cap must be positive")
    # Guard the exponent: 2**2000 as a float overflows, and the cap is reached long before.
    if attempt >= 64:
        return cap
    return min(cap, base * (2**attempt))


def next_delay(attempt: int, base: float = 1.0, cap: float = 300.0, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): uniform in ``[0, min(cap, base*2**attempt)]``."""
    ceiling = backoff_ceiling(attempt, base, cap)
    r = rng if rng is not None else random.Random()
    return r.uniform(0.0, ceiling)


@dataclass
class OnlineMonitor:
    """Decides whether the app counts as online, and when to probe again once it is offline.

    ``failure_threshold`` consecutive transient failures make it offline (one lost packet
    should not flash "offline" in the status bar). While offline, probes are spaced by
    ``next_delay`` with a growing attempt number, so a dead server is not hammered; a single
    success makes it online again at once.
    """

    failure_threshold: int = 3
    base: float = 2.0
    cap: float = 120.0
    rng: random.Random = field(default_factory=random.Random)

    consecutive_failures: int = 0
    online: bool = True
    next_probe_at: float | None = None
    last_error: str | None = None

    def __post_init__(self) -> None:
        if self.failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")

    def record_success(self, now: float) -> bool:
        """Note a successful call. Returns True when this brought the app back online."""
        came_back = not self.online
        self.consecutive_failures = 0
        self.online = True
        self.next_probe_at = None
        self.last_error = None
        return came_back

    def record_failure(self, now: float, error: str | None = None) -> bool:
        """Note a transient failure. Returns True when this made the app go offline."""
        self.consecutive_failures += 1
        self.last_error = error
        went_offline = False
        if self.online and self.consecutive_failures >= self.failure_threshold:
            self.online = False
            went_offline = True
        if not self.online:
            probes_failed = self.consecutive_failures - self.failure_threshold
            self.next_probe_at = now + next_delay(probes_failed, self.base, self.cap, self.rng)
        return went_offline

    def should_probe(self, now: float) -> bool:
        """Online: always try. Offline: only once the probe delay has passed."""
        if self.online or self.next_probe_at is None:
            return True
        return now >= self.next_probe_at

    def seconds_until_probe(self, now: float) -> float:
        if self.online or self.next_probe_at is None:
            return 0.0
        return max(0.0, self.next_probe_at - now)
