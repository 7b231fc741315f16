"""Messages: every template has its Simplified Chinese translation with the same placeholders, and
results and refusals travel (JSON for the API, pickle for the bounded child process)."""

import pickle
import re
from pathlib import Path

import msgspec
from babel.messages.pofile import read_po

from storage.checks import TEXTS, CheckResult, FileRefused, check_appid
from storage.checks.messages import message

CATALOG = Path(__file__).parents[3] / "frontend/locales/zh_CN/LC_MESSAGES/checks.po"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_the_catalog_translates_every_template_and_nothing_else():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    translated = {entry.id: entry.string for entry in catalog if entry.id}
    assert set(translated) == set(TEXTS.values())
    for english, chinese in translated.items():
        assert chinese and chinese != english, english
        assert sorted(PLACEHOLDER.findall(chinese)) == sorted(PLACEHOLDER.findall(english)), english
        assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:(][\u4e00-\u9fff]", chinese), (
            f"half-width punctuation: {chinese}"
        )


def test_message_ids_are_unique_templates():
    assert len(set(TEXTS.values())) == len(TEXTS)


def test_render_translates_then_fills_in():
    note = message("image_qr_read", content="https://example.com")
    assert note.render() == "The QR code reads: https://example.com"
    assert note.render({note.text: "二维码内容：{content}"}.get) == "二维码内容：https://example.com"
    assert message("file_empty").render(lambda text: text + " {missing}") == "The file is empty. {missing}"


def test_a_result_round_trips_through_json():
    result = check_appid("wx0123456789ABCDEF")
    assert msgspec.json.decode(msgspec.json.encode(result), type=CheckResult) == result


def test_a_refusal_survives_pickling():
    refused = pickle.loads(pickle.dumps(FileRefused(message("zip_corrupt", path="a.js"))))
    assert refused.problem == message("zip_corrupt", path="a.js")
    assert str(refused) == '"a.js" in the archive is damaged and cannot be unpacked.'
