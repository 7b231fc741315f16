"""Every text the judges, conflicts, assignment and defence services can show a person has a Simplified
Chinese translation (the frontend's catalog test reads contest/ and frontend/ only)."""

import re
from pathlib import Path

from frontend.i18n import translations
from judging.conflicts.rules import TEMPLATES

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ["judging/judges", "judging/conflicts", "judging/defence", "judging/assignment"]
PURE_SOLVER = {"solver", "model", "problem", "improve", "incremental", "explain", "messages", "__main__", "__init__"}
ERRORS = r"\b(?:InvalidInput|Conflict|Forbidden|NotFound|InvalidState|Msg|RowProblem\([\w.]+,|UnreadableFile)\(?\s*"


def shown_texts() -> set[str]:
    found = set(TEMPLATES.values())
    for folder in SERVICES:
        for path in (ROOT / folder).glob("*.py"):
            if folder == "judging/assignment" and path.stem in PURE_SOLVER:
                continue
            text = path.read_text()
            # Literals split over lines are joined as Python joins them.
            text = re.sub(r'"\s*\n\s*"', "", text)
            found |= set(re.findall(ERRORS + r'"([^"\n]+)"', text))
            found |= set(re.findall(r'\{"[\w ]+": "([^"{}]+)"\}', text))
            found |= set(re.findall(r'problems\["\w+"\] = "([^"]+)"', text))
            found |= {m for m in re.findall(r'^[A-Z_]+ = "([^"]+)"$', text, re.M) if " " in m}
    return found


def test_every_shown_text_is_translated():
    catalog = translations("zh-CN")
    texts = shown_texts()
    assert len(texts) > 60
    assert sorted(m for m in texts if catalog.gettext(m) == m) == []
