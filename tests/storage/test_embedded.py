import socket
import time

import pytest

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


def test_the_admin_grpc_port_is_where_the_plugin_worker_dials():
    """weed mini's plugin worker ignores -admin.port.grpc and dials admin + 10000."""
    ports = choose_ports({"admin": 20001, "admin_grpc": 20002}, ("s3", "admin", "admin_grpc"))
    assert ports["admin_grpc"] == ports["admin"] + 10000


def test_the_embedded_s3_server_keeps_quiet(s3, session_dir):
    """No reconnection loop fills the log (it used to log a refused connection every five seconds)."""
    log = session_dir / "log" / "seaweedfs.log"
    if not log.exists():
        pytest.skip("S3 is external here")
    time.sleep(max(0.0, 7 - (time.time() - log.stat().st_ctime)))
    assert "connection refused" not in log.read_text(errors="replace")
