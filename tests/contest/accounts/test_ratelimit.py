"""Client addresses for limits: X-Forwarded-For is believed only from trusted proxies."""

from contest.accounts.ratelimit import client_address


def test_forwarded_addresses_are_believed_only_from_trusted_proxies():
    trusted = ("10.0.0.5",)
    assert client_address(("203.0.113.9", 1), "1.2.3.4", trusted) == "203.0.113.9"
    assert client_address(("10.0.0.5", 1), "1.2.3.4, 198.51.100.7", trusted) == "198.51.100.7"
    assert client_address(("10.0.0.5", 1), "198.51.100.7, 10.0.0.5", trusted) == "198.51.100.7"
    assert client_address(("10.0.0.5", 1), "not-an-ip", trusted) == "10.0.0.5"
