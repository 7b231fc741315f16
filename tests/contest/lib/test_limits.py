"""Limits count canonical identities: one client however its address is written."""

import pytest

from contest.lib.limits import canonical_client, count


@pytest.mark.parametrize(
    ("written", "counted"),
    [
        ("198.51.100.7", "198.51.100.7"),
        (" 198.51.100.7 ", "198.51.100.7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),  # IPv4 seen through an IPv6 socket
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),  # one host owns its /64
        ("2001:DB8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("testclient", "testclient"),
    ],
)
def test_client_addresses_are_counted_canonically(written, counted):
    assert canonical_client(written) == counted


async def test_without_redis_nothing_is_over_its_limit():
    assert await count(None, {"rl:x": 0}, 60) == []
