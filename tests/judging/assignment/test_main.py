"""The offline command: python -m judging.assignment INSTANCE.json."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from judging.assignment.__main__ import main

INSTANCE = {
    "k": 2,
    "scope": "region",
    "entries": [
        {"id": "t1", "university": "u1", "region": "华东"},
        {"id": "t2", "university": "u2", "region": "华东"},
    ],
    "judges": [
        {"id": "j1", "university": "u3", "region": "华东", "max": 2},
        {"id": "j2", "university": "u4", "region": None, "max": 2},
        {"id": "j3", "university": "u5", "region": "华南", "max": 2},
    ],
    "affinity": [["t1", "j1", 0.9], ["t2", "j2", 0.4]],
}


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_prints_the_solution(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([write(tmp_path, "instance.json", INSTANCE)]) == 0
    solution = json.loads(capsys.readouterr().out)
    assert solution["status"] == "optimal"
    assert solution["assignment"] == [["t1", "j1"], ["t1", "j2"], ["t2", "j1"], ["t2", "j2"]]
    assert solution["total_affinity"] == pytest.approx(1.3)
    assert solution["explanation"][0]["id"] == "judge_no_eligible"


def test_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(INSTANCE).encode())))
    assert main(["-", "--indent", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("{\n") and json.loads(out)["status"] == "optimal"


def test_infeasible_exits_1_with_the_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "instance.json", INSTANCE | {"k": 3})
    assert main([path]) == 1
    solution = json.loads(capsys.readouterr().out)
    assert solution["status"] == "infeasible"
    assert {m["id"] for m in solution["explanation"]} >= {"region_few_judges"}


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{broken", "not JSON"),
        ({"k": 2, "entries": [], "judges": []}, "missing required field `scope`"),
        (INSTANCE | {"pins": [["t1", "nobody"]]}, "pins names an unknown judge nobody"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], content, words) -> None:
    assert main([write(tmp_path, "instance.json", content)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and words in captured.err
    assert "Traceback" not in captured.err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "absent.json")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_repairs_an_assignment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = INSTANCE | {"k": 1}
    current = write(tmp_path, "current.json", [["t1", "j1"], ["t2", "j2"]])
    change = write(tmp_path, "change.json", {"remove_judges": ["j1"]})
    assert main([write(tmp_path, "instance.json", instance), "--current", current, "--change", change]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["removed"] == [["t1", "j1"]]
    assert result["added"] == [["t1", "j2"]]
    assert result["moved"] == 0


def test_runs_as_a_module(tmp_path: Path) -> None:
    path = write(tmp_path, "instance.json", "[1, 2")
    root = Path(__file__).resolve().parents[3]
    command = [sys.executable, "-m", "judging.assignment", path]
    run = subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)
    assert run.returncode == 2
    assert run.stderr.startswith("error: The instance is not valid") and "Traceback" not in run.stderr
