import socket

from contest.accounts.ratelimit import client_address
from storage.embedded import choose_ports, port_is_free


def test_a_taken_port_is_replaced_not_shared():
    with socket.socket() as stranger:
        stranger.bind(("127.0.0.1", 0))
        stranger.listen()
        taken = stranger.getsockname()[1]
        assert not port_is_free(taken)
        ports = choose_ports({"s3": taken}, ("s3", "filer"))
    assert ports["s3"] != taken and ports["s3"] != ports["filer"]


def test_a_free_previous_port_is_kept():
    ports = choose_ports({}, ("a",))
    assert choose_ports(ports, ("a",)) == ports


def test_forwarded_addresses_are_believed_only_from_trusted_proxies():
    trusted = ("10.0.0.5",)
    assert client_address(("203.0.113.9", 1), "1.2.3.4", trusted) == "203.0.113.9"
    assert client_address(("10.0.0.5", 1), "1.2.3.4, 198.51.100.7", trusted) == "198.51.100.7"
    assert client_address(("10.0.0.5", 1), "198.51.100.7, 10.0.0.5", trusted) == "198.51.100.7"
    assert client_address(("10.0.0.5", 1), "not-an-ip", trusted) == "10.0.0.5"
