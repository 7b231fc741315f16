"""The sample-file makers the demo seed and the benchmarks reuse: each file is what it says."""

import io
import zipfile

import zxingcpp
from mutagen.mp4 import MP4
from PIL import Image
from pypdf import PdfReader

from storage import samples


def test_the_mp4_has_the_duration_and_size_asked_for():
    data = samples.mp4_bytes(95.5, size=123_457)
    assert len(data) == 123_457
    assert MP4(io.BytesIO(data)).info.length == 95.5


def test_the_mp4_is_written_in_chunks_to_any_size():
    out = io.BytesIO()
    written = samples.write_mp4(out, duration_s=10, size=3 * 1024 * 1024 + 5)
    assert written == len(out.getvalue()) == 3 * 1024 * 1024 + 5
    assert len(samples.mp4_bytes(10)) < 1000  # without a size, just the boxes


def test_the_pdf_carries_its_text_properties_and_password():
    data = samples.pdf_bytes(["第一页 page one", "第二页"], title="设计文档", author="星火队")
    reader = PdfReader(io.BytesIO(data))
    assert [page.extract_text().strip() for page in reader.pages] == ["第一页 page one", "第二页"]
    assert reader.metadata.title == "设计文档" and reader.metadata.author == "星火队"
    locked = PdfReader(io.BytesIO(samples.pdf_bytes(["x"], user_password="pw")))
    assert locked.is_encrypted and not locked.decrypt("")
    assert locked.decrypt("pw")


def test_the_project_layouts_hold_their_manifests():
    expected = {
        "plain": {"project.config.json", "app.json"},
        "folder": {"demo/project.config.json", "demo/app.json"},
        "taro": {"project.config.json", "dist/app.json"},
        "uniapp": {"project.config.json", "dist/build/mp-weixin/app.json"},
        "game": {"project.config.json", "game.json"},
    }
    for layout, names in expected.items():
        with zipfile.ZipFile(io.BytesIO(samples.miniprogram_zip(layout))) as archive:
            assert names <= set(archive.namelist()), layout
            assert archive.testzip() is None


def test_padding_reaches_the_size_asked_for():
    data = samples.miniprogram_zip(padding_bytes=2 * 1024 * 1024)
    assert 2 * 1024 * 1024 < len(data) < 2 * 1024 * 1024 + 10_000  # incompressible


def test_the_qr_png_decodes_and_the_round_code_does_not():
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(samples.qr_png("内容 content"))))[0].text == "内容 content"
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(samples.sun_code_png()))) == []
