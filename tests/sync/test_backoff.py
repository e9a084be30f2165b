"""Backoff bounds and the online monitor's state changes (clock and randomness injected)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.sync.backoff import OnlineMonitor, backoff_ceiling, next_delay


@given(
    attempt=st.integers(min_value=0, max_value=10_000),
    base=st.floats(min_value=0.01, max_value=60),
    cap=st.floats(min_value=0.01, max_value=3600),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_delay_is_within_zero_and_the_capped_ceiling(attempt, base, cap, seed):
    delay = next_delay(attempt, base, cap, random.Random(seed))
    assert 0.0 <= delay <= min(cap, base * 2 ** min(attempt, 64))
    assert delay <= cap


def test_ceiling_doubles_then_caps():
    assert [backoff_ceiling(a, 1.0, 30.0) for a in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff_ceiling(5000, 1.0, 30.0) == 30.0


def test_jitter_actually_spreads_delays():
    rng = random.Random(7)
    delays = {round(next_delay(6, 1.0, 60.0, rng), 6) for _ in range(50)}
    assert len(delays) > 40
    assert max(delays) > 30 and min(delays) < 30


def test_invalid_arguments():
    with pytest.raises(ValueError):
        next_delay(-1)
    with pytest.raises(ValueError):
        next_delay(1, base=0)
    with pytest.raises(ValueError):
        OnlineMonitor(failure_threshold=0)


def test_monitor_goes_offline_after_threshold_and_probes_with_growing_spacing():
    class MaxRandom(random.Random):
        def uniform(self, a, b):  # worst case of full jitter: the ceiling itself
            return b

    mon = OnlineMonitor(failure_threshold=3, base=2.0, cap=60.0, rng=MaxRandom())
    now = 100.0
    assert mon.record_failure(now, "refused") is False
    assert mon.record_failure(now, "refused") is False
    assert mon.online and mon.should_probe(now)
    assert mon.record_failure(now, "refused") is True
    assert not mon.online and mon.last_error == "refused"

    gaps = []
    for _ in range(7):
        wait = mon.seconds_until_probe(now)
        assert not mon.should_probe(now + wait - 0.001)
        now += wait
        assert mon.should_probe(now)
        gaps.append(wait)
        assert mon.record_failure(now) is False  # already offline: no second "went offline"
    assert gaps == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]

    assert mon.record_success(now) is True
    assert mon.online and mon.consecutive_failures == 0 and mon.should_probe(now)
    assert mon.record_success(now) is False


def test_success_resets_the_failure_count_before_threshold():
    mon = OnlineMonitor(failure_threshold=2, rng=random.Random(1))
    mon.record_failure(0.0)
    mon.record_success(1.0)
    assert mon.record_failure(2.0) is False and mon.online
