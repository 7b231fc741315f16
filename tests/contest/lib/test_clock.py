from datetime import UTC, datetime, timedelta, timezone

import pytest

from contest.lib.clock import FixedClock, SystemClock


def test_system_clock_is_aware_utc():
    now = SystemClock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)


def test_fixed_clock_moves_only_when_told():
    clock = FixedClock(datetime(2027, 3, 1, 16, 0, tzinfo=timezone(timedelta(hours=8))))
    assert clock.now() == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    clock.advance(timedelta(minutes=5))
    assert clock.now() == datetime(2027, 3, 1, 8, 5, tzinfo=UTC)


def test_fixed_clock_refuses_naive_times():
    with pytest.raises(ValueError):
        FixedClock(datetime(2027, 3, 1))
