"""Every message template has its Chinese translation, with the same placeholders."""

import string
from pathlib import Path

from babel.messages.pofile import read_po

from judging.assignment.messages import TEMPLATES, message

CATALOG = Path(__file__).resolve().parents[3] / "frontend/locales/zh_CN/LC_MESSAGES/assignment.po"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_template_is_translated_with_the_same_placeholders() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    for message_id, template in TEMPLATES.items():
        entry = catalog.get(template)
        assert entry is not None and entry.string, f"{message_id} is not translated"
        assert placeholders(entry.string) == placeholders(template), message_id
        # The translation formats with the same parameters as the English text.
        params = dict.fromkeys(placeholders(template), "x")
        assert entry.string.format(**params)


def test_message_renders_its_template() -> None:
    note = message("judge_no_eligible", level="note", judge="j4")
    assert note.text == "Judge {judge} has no eligible entry and gets no review"
    assert note.rendered == "Judge j4 has no eligible entry and gets no review"
    assert note.params == {"judge": "j4"} and note.level == "note"
