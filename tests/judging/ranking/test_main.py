"""`python -m judging.ranking`: JSON out, a clear message and exit code 2 on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from judging.ranking.__main__ import main

ROOT = Path(__file__).resolve().parents[3]
SHEETS = {
    "criteria": [{"id": "innovation", "weight": 25, "max": 10}, {"id": "technical", "weight": 75, "max": 10}],
    "sheets": [
        {"entry": "t1", "judge": "j1", "scores": {"innovation": 8, "technical": 6}},
        {"entry": "t2", "judge": "j1", "scores": {"innovation": 6, "technical": 8}},
        {"entry": "t2", "judge": "j2", "scores": {"innovation": 9, "technical": 9}},
    ],
    "method": "mean",
    "expected": {"t3": 2},
}


def test_the_command_prints_the_ranking_of_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "sheets.json"
    path.write_text(json.dumps(SHEETS))
    assert main([str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["method"] == "mean"
    assert [(item["entry"], item["rank"], item["score"]) for item in printed["entries"]] == [
        ("t2", 1, 82.5),
        ("t1", 2, 65.0),
        ("t3", None, None),
    ]
    assert [judge["judge"] for judge in printed["judges"]] == ["j1", "j2"]


def test_the_command_prints_judge_analytics_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "sheets.json"
    path.write_text(json.dumps(SHEETS))
    assert main([str(path), "--analytics"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [(judge["judge"], judge["sheets"]) for judge in printed["judges"]] == [("j1", 2), ("j2", 1)]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("not json", "The sheets input is not valid"),
        (json.dumps({**SHEETS, "method": "median"}), "$.method"),
        (
            json.dumps(
                {**SHEETS, "sheets": [{"entry": "t1", "judge": "j1", "scores": {"innovation": 12, "technical": 6}}]}
            ),
            "gives innovation a score of 12.0, outside 0 to 10.0",
        ),
    ],
)
def test_bad_input_gives_one_clear_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
):
    path = tmp_path / "sheets.json"
    path.write_text(content)
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle in captured.err and "Traceback" not in captured.err


def test_a_missing_file_gives_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main([str(tmp_path / "absent.json")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_the_module_runs_on_stdin_and_fails_cleanly():
    command = [sys.executable, "-m", "judging.ranking", "-"]
    good = subprocess.run(command, input=json.dumps(SHEETS).encode(), capture_output=True, cwd=ROOT, check=False)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["entries"][0]["entry"] == "t2"
    bad = subprocess.run(command, input=b'{"criteria": ', capture_output=True, cwd=ROOT, check=False)
    assert bad.returncode == 2
    assert bad.stderr.decode().startswith("error: The sheets input is not valid") and b"Traceback" not in bad.stderr
