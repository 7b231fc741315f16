"""`python -m judging.schedule`: JSON in, the timetable JSON out; bad input is refused with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import msgspec

from judging.schedule import Timetable
from judging.schedule.__main__ import main

ROOT = Path(__file__).parents[3]


def instance(finalists: int = 2, **changes) -> dict:
    data = {
        "rooms": [{"id": "r1", "name": "Room 1"}],
        "sessions": [
            {
                "id": "am",
                "slots": [
                    {"id": "am1", "start": "2027-08-01T08:30:00+08:00", "end": "2027-08-01T08:50:00+08:00"},
                    {"id": "am2", "start": "2027-08-01T08:50:00+08:00", "end": "2027-08-01T09:10:00+08:00"},
                ],
            }
        ],
        "finalists": [{"id": f"f{i}", "university": f"U{i}", "region": "华东"} for i in range(finalists)],
        "judges": [{"id": f"j{i}", "university": f"V{i}", "region": "华北"} for i in range(3)],
        "panel_size": 3,
    }
    return data | changes


def run(tmp_path, data, capsys, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "instance.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    code = main([str(path), "--workers", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_timetable_is_printed_as_json(tmp_path, capsys):
    code, out, _ = run(tmp_path, instance(), capsys)
    timetable = msgspec.json.decode(out, type=Timetable)
    assert code == 0 and timetable.status == "OPTIMAL"
    assert [p.judges for p in timetable.panels] == [["j0", "j1", "j2"]]
    assert [h.finalist is not None for h in timetable.hearings] == [True, True]


def test_an_infeasible_instance_exits_1_with_its_reasons(tmp_path, capsys):
    code, out, _ = run(tmp_path, instance(finalists=3), capsys)
    timetable = msgspec.json.decode(out, type=Timetable)
    assert code == 1 and timetable.status == "INFEASIBLE"
    assert timetable.messages[0].id == "capacity" and timetable.messages[0].params["capacity"] == 2


def test_malformed_json_exits_2_saying_where(tmp_path, capsys):
    code, out, err = run(tmp_path, instance(rooms=[{"id": 1}]), capsys)
    assert code == 2 and out == ""
    assert "malformed instance" in err and "$.rooms[0].id" in err

    code, _, err = run(tmp_path, "{not json", capsys)
    assert code == 2 and "malformed instance" in err

    code, _, err = run(tmp_path, instance(surprise=True), capsys)
    assert code == 2 and "surprise" in err


def test_inconsistent_instance_exits_2_with_each_problem(tmp_path, capsys):
    bad = instance(panel_size=0, conflicts=[["f0", "nobody"]])
    code, _, err = run(tmp_path, bad, capsys)
    assert code == 2
    assert "error: the panel size must be at least 1 (it is 0)" in err
    assert "error: conflict [f0, nobody] names unknown judge nobody" in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_reads_stdin_as_a_module_command():
    result = subprocess.run(
        [sys.executable, "-m", "judging.schedule", "-", "--time-limit", "5", "--seed", "3", "--workers", "1"],
        input=json.dumps(instance()).encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "OPTIMAL"
