"""Client addresses for limits: X-Forwarded-For is believed only from trusted proxies."""

from contest.accounts.ratelimit import client_address
from tests import factories as f


def test_forwarded_addresses_are_believed_only_from_trusted_proxies():
    trusted = ("10.0.0.5",)
    assert client_address(("203.0.113.9", 1), "1.2.3.4", trusted) == "203.0.113.9"
    assert client_address(("10.0.0.5", 1), "1.2.3.4, 198.51.100.7", trusted) == "198.51.100.7"
    assert client_address(("10.0.0.5", 1), "198.51.100.7, 10.0.0.5", trusted) == "198.51.100.7"
    assert client_address(("10.0.0.5", 1), "not-an-ip", trusted) == "10.0.0.5"


async def test_the_account_limit_counts_every_spelling_of_an_address_as_one(world, app_settings):
    await world.signup("demo2@u.edu.cn")
    guesser = world.person("anyone")
    spellings = ["ｄemo2@u.edu.cn", "DEMO2@U.EDU.CN", "demo２@u.edu.cn", "ｄｅｍｏ２＠ｕ．ｅｄｕ．ｃｎ", " Demo2@u.edu.cn "]
    statuses = []
    for n in range(app_settings.login_limit_per_account):
        body = {"email": spellings[n % len(spellings)], "password": "Wrong-password-1"}
        statuses.append((await guesser.http.post("/api/v1/auth/login", json=body)).status_code)
    assert statuses == [401] * app_settings.login_limit_per_account
    # Locked: no spelling gets another guess, not even with the right password.
    for spelling in spellings:
        body = {"email": spelling, "password": f.PASSWORD}
        assert (await guesser.http.post("/api/v1/auth/login", json=body)).status_code == 429, spelling
