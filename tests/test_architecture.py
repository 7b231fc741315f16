"""The architecture holds: import-linter's contracts (pyproject.toml, run by `make lint`) pass on the
code and catch a wrong import, and no module hides an import inside a function."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("contest", "judging", "storage", "frontend")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four packages and the contracts, copied so a test may break them."""
    tree = tmp_path_factory.mktemp("layers")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", "*.po", "*.html"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_code_keeps_every_contract(copy: Path) -> None:
    result = lint(copy)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("frontend/probe.py", "from contest.teams import tables\n", "pages call services"),
        ("frontend/probe.py", "from contest.teams import api\n", "pages call services"),
        ("storage/probe.py", "import contest.lib.db\n", "storage imports nothing of ours"),
        ("judging/ranking/probe.py", "import piccolo\n", "judging's pure modules"),
        ("contest/teams/probe.py", "from contest.shell import app\n", "nothing imports the shell"),
        ("contest/regions/probe.py", "from contest.teams import queries\n", "domains point one way"),
        ("contest/accounts/probe.py", "import judging.ranking\n", "never imports the judging engine"),
        ("contest/teams/probe.py", "from contest.accounts.tables import User\n", "teams ask other domains"),
        ("contest/submissions/probe.py", "from contest.teams.tables import Team\n", "rounds and entries ask"),
        ("judging/results/probe.py", "from contest.submissions.tables import Upload\n", "judging engine asks the contest"),
        ("contest/teams/probe.py", "from contest.rounds import service\n", "domains point one way"),
    ],
)
def test_a_wrong_import_breaks_its_contract(copy: Path, module: str, source: str, contract: str) -> None:
    probe = copy / module
    probe.write_text(source)
    try:
        result = lint(copy)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert contract in result.stdout.split("Broken contracts")[-1]


def test_no_import_hides_inside_a_function() -> None:
    """A function-level import is how a cycle hides; domains ask each other through services instead."""
    hidden = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "piccolo_migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    hidden += [
                        f"{path.relative_to(ROOT)}:{sub.lineno}"
                        for sub in ast.walk(node)
                        if isinstance(sub, ast.Import | ast.ImportFrom)
                    ]
    assert hidden == []
