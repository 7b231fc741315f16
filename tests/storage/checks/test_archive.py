"""The code package: a safe archive (paths, links, encryption, bombs) holding a mini-program project
in one of the layouts teams upload."""

import io
import json
import stat
import struct
import zipfile

import pytest

from storage import samples
from storage.checks import FileRefused, Limits, SlotConfig, ZipLimits
from storage.checks.archive import display_name, unpacked_chunks

SLOT = SlotConfig(kind="zip", max_bytes=100 * 1024 * 1024)
MIB = 1024 * 1024


def ids(messages):
    return [m.id for m in messages]


def archive(files: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as out:
        for name, content in files.items():
            out.writestr(name, content)
    return buffer.getvalue()


def project(**extra: bytes) -> dict[str, bytes]:
    return {
        "project.config.json": json.dumps({"appid": "wx0123456789abcdef", "projectname": "demo"}).encode(),
        "app.json": b'{"pages": ["pages/index/index"]}',
        "pages/index/index.js": b"Page({})",
        **extra,
    }


@pytest.mark.parametrize(
    ("layout", "root", "kind"),
    [
        ("plain", "", "miniprogram"),
        ("folder", "星火队", "miniprogram"),
        ("taro", "dist", "miniprogram"),
        ("uniapp", "dist/build/mp-weixin", "miniprogram"),
        ("game", "", "game"),
    ],
)
def test_the_layouts_teams_upload_are_accepted(check, layout, root, kind):
    result = check(SLOT, samples.miniprogram_zip(layout, project_name="星火队"))
    assert result.ok, result.problems
    assert result.facts.miniprogram_root == root and result.facts.project_type == kind
    assert result.facts.project_appid == "wx0123456789abcdef" and result.facts.project_name == "星火队"
    assert result.facts.entry_count >= 3 and result.facts.uncompressed_size > 0


def test_an_archive_without_a_project_is_refused(check):
    result = check(SLOT, archive({"README.md": b"# our app", "src/main.js": b""}))
    assert ids(result.problems) == ["zip_no_project_config"]


def test_a_project_two_folders_deep_is_not_found(check):
    files = {f"outer/inner/{name}": content for name, content in project().items()}
    assert ids(check(SLOT, archive(files)).problems) == ["zip_no_project_config"]


def test_mac_archive_litter_does_not_hide_the_top_folder(check):
    files = {f"app/{name}": content for name, content in project().items()}
    files |= {"__MACOSX/app/._app.json": b"\x00\x05", "app/.DS_Store": b"\x00"}
    result = check(SLOT, archive(files))
    assert result.ok and result.facts.miniprogram_root == "app"


def test_a_miniprogram_root_that_is_missing_or_outside_is_refused(check):
    for root in ("dist/", "../elsewhere", "/abs"):
        config = json.dumps({"miniprogramRoot": root}).encode()
        result = check(SLOT, archive(project(**{"project.config.json": config})))
        assert ids(result.problems) == ["zip_bad_root"], root
        assert result.problems[0].params == {"root": root}


def test_a_root_without_app_or_game_json_is_refused(check):
    files = project(**{"project.config.json": b'{"miniprogramRoot": "src/"}', "src/index.js": b""})
    result = check(SLOT, archive(files))
    assert ids(result.problems) == ["zip_no_app_json"] and result.problems[0].params == {"root": "src"}


def test_malformed_manifests_are_refused(check):
    assert ids(check(SLOT, archive(project(**{"project.config.json": b"{not json"}))).problems) == ["zip_bad_json"]
    assert ids(check(SLOT, archive(project(**{"app.json": b"[1, 2]"}))).problems) == ["zip_bad_json"]


@pytest.mark.parametrize("name", ["../../etc/cron.d/x", "pages/../../x.js", "/etc/passwd", "C:\\Windows\\x.dll"])
def test_paths_that_leave_the_archive_are_refused(check, name):
    result = check(SLOT, archive(project(**{name: b"x"})))
    assert ids(result.problems) == ["zip_unsafe_path"]
    assert result.problems[0].params["count"] == 1


def test_a_symlink_entry_is_refused(check):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in project().items():
            out.writestr(name, content)
        link = zipfile.ZipInfo("pages/secrets.js")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        out.writestr(link, "/etc/passwd")
    result = check(SLOT, buffer.getvalue())
    assert ids(result.problems) == ["zip_symlink"]
    assert result.problems[0].params == {"count": 1, "path": "pages/secrets.js"}


def test_an_encrypted_entry_is_refused(check):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in project().items():
            out.writestr(name, content)
        out.writestr("pages/locked.js", b"\x00" * 32)
    data = bytearray(buffer.getvalue())
    at = data.rindex(b"PK\x01\x02")  # the last entry's directory record: its flags are at offset 8
    data[at + 8] |= 0x1  # zipfile clears the flag when writing, so set it afterwards
    result = check(SLOT, bytes(data))
    assert ids(result.problems) == ["zip_encrypted"]
    assert result.problems[0].params == {"count": 1, "path": "pages/locked.js"}


def test_a_zip_bomb_is_refused_by_its_ratio_without_unpacking(check):
    data = archive(project(**{"assets/zeros.bin": bytes(64 * MIB)}))
    assert len(data) < MIB
    result = check(SLOT, data)
    assert ids(result.problems) == ["zip_entry_ratio"]
    assert result.problems[0].params["path"] == "assets/zeros.bin" and result.problems[0].params["ratio"] > 100
    assert result.facts.uncompressed_size == 64 * MIB + sum(len(c) for c in project().values())  # as declared


def test_many_small_entries_are_judged_by_the_overall_ratio(check):
    files = project(**{f"assets/{i}.txt": bytes(MIB // 2) for i in range(8)})
    result = check(SLOT, archive(files))
    assert ids(result.problems) == ["zip_total_ratio"]


def test_a_declared_size_over_the_limit_is_refused(check):
    slot = SlotConfig(kind="zip", limits=Limits(zip=ZipLimits(max_uncompressed_bytes=MIB)))
    result = check(slot, archive(project(**{"assets/noise.bin": bytes(range(256)) * 8192}), method=zipfile.ZIP_STORED))
    assert ids(result.problems) == ["zip_declared_too_large"]


def test_unpacking_stops_at_the_hard_cap_whatever_the_directory_says():
    data = archive({f"part{i}.bin": bytes(range(256)) * 4096 for i in range(5)})  # 5 MiB
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        produced = 0
        with pytest.raises(FileRefused) as refused:
            for _info, chunk in unpacked_chunks(opened, ZipLimits(max_uncompressed_bytes=2 * MIB)):
                produced += len(chunk)
    assert refused.value.problem.id == "zip_too_large_uncompressed"
    assert produced <= 2 * MIB


def test_too_many_entries_are_refused_from_the_end_record(check):
    slot = SlotConfig(kind="zip", limits=Limits(zip=ZipLimits(max_entries=5)))
    result = check(slot, archive(project(**{f"pages/p{i}.js": b"" for i in range(10)})))
    assert ids(result.problems) == ["zip_too_many_entries"]
    assert result.problems[0].params == {"count": 13, "max_count": 5}


def test_an_oversized_directory_is_refused_before_it_is_read(check):
    slot = SlotConfig(kind="zip", limits=Limits(zip=ZipLimits(max_directory_bytes=100)))
    assert ids(check(slot, archive(project())).problems) == ["zip_directory_too_large"]


def test_a_damaged_entry_is_refused(check):
    data = bytearray(archive(project(**{"pages/big.js": b"console.log('hello');\n" * 2000})))
    start = data.index(b"pages/big.js") + len("pages/big.js") + 100  # inside its compressed data
    data[start : start + 50] = bytes(50)
    result = check(SLOT, bytes(data))
    assert ids(result.problems) == ["zip_corrupt"] and result.problems[0].params == {"path": "pages/big.js"}


def test_an_unsupported_compression_method_is_refused(check):
    data = bytearray(archive(project(), method=zipfile.ZIP_STORED))
    at = data.index(b"PK\x01\x02")  # first central directory record: its method is at offset 10
    data[at + 10 : at + 12] = struct.pack("<H", 9)  # Deflate64, which zipfile cannot unpack
    result = check(SLOT, bytes(data))
    assert ids(result.problems) == ["zip_unsupported_method"]


def test_a_truncated_archive_is_refused(check):
    data = samples.miniprogram_zip()
    assert ids(check(SLOT, data[: len(data) // 2]).problems) == ["zip_unreadable"]


class GbkName(zipfile.ZipInfo):
    """An entry named as archivers on Chinese Windows do: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits


def test_gbk_names_are_read_as_written_and_linted(check):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in project().items():
            out.writestr(name, content)
        out.writestr(GbkName("assets/浙江大学校徽.png"), b"\x89PNG")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as opened:
        assert display_name(opened.infolist()[-1]) == "assets/浙江大学校徽.png"
    result = check(SLOT, buffer.getvalue(), names=["浙江大学"])
    assert result.ok
    assert [(m.id, m.params) for m in result.warnings] == [
        ("anon_zip_path", {"path": "assets/浙江大学校徽.png", "name": "浙江大学"})
    ]


def test_the_project_name_is_linted_but_not_the_appid(check):
    result = check(SLOT, samples.miniprogram_zip(project_name="Zhejiang-Spark"), names=["Zhejiang", "0123456789ab"])
    assert result.ok
    assert [(m.id, m.params["name"]) for m in result.warnings] == [("anon_project_name", "Zhejiang")]
