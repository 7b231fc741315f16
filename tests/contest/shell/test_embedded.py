"""The lock on `var/`: one set of embedded services per data folder; a quick restart waits for the
last run to stop its children instead of starting a second SeaweedFS on the same files."""

import signal
import threading
from functools import partial

import pytest

from contest.lib.settings import load_settings
from contest.shell import cli
from contest.shell.embedded import VarDirBusy, lock_var_dir


def test_a_held_var_dir_is_refused_after_the_wait_and_free_once_released(tmp_path):
    held = lock_var_dir(tmp_path / "var")
    with pytest.raises(VarDirBusy):
        lock_var_dir(tmp_path / "var", wait_s=0.3)
    held.close()
    lock_var_dir(tmp_path / "var", wait_s=0).close()


def test_a_restart_waits_for_the_last_run_to_stop(tmp_path, capsys):
    held = lock_var_dir(tmp_path / "var")
    threading.Timer(0.5, held.close).start()  # the last run finishes stopping its children
    lock_var_dir(tmp_path / "var", wait_s=10, waiting="waiting for the last run").close()
    assert capsys.readouterr().out == "waiting for the last run\n"


def test_serve_says_another_run_uses_the_folder(tmp_path, capsys, monkeypatch):
    settings = load_settings({}, var_dir=str(tmp_path / "var"))
    held = lock_var_dir(settings.var_path)
    monkeypatch.setattr(cli, "lock_var_dir", partial(lock_var_dir, wait_s=0.2))
    args = cli.build_parser().parse_args(["serve"])
    sigterm = signal.getsignal(signal.SIGTERM)
    try:
        assert cli.cmd_serve(settings, args) == 2
    finally:
        held.close()
        signal.signal(signal.SIGTERM, sigterm)
    assert "another `contest serve` uses" in capsys.readouterr().err
