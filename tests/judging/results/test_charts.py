"""Judge analytics charts: SVG with escaped labels, bars on the right side of zero, dashes for none."""

import xml.etree.ElementTree as ET

from judging.results.charts import bar_chart, symmetric

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_point_from_zero_and_labels_are_escaped():
    svg = bar_chart("宽严度 <b>", [("<script>x</script>", 2.0), ("评委乙", -1.0), ("评委丙", None)], low=-2, high=2)
    root = ET.fromstring(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 2
    zero = float(root.find(f"{SVG}line").get("x1"))
    positive, negative = bars
    assert float(positive.get("x")) == zero and float(negative.get("x")) + float(negative.get("width")) == zero
    assert positive.get("fill") != negative.get("fill")
    assert "—" in [t.text for t in root.findall(f"{SVG}text")]


def test_symmetric_range_covers_every_value():
    assert symmetric([0.5, -3.0, None], 1.0) == 3.0 and symmetric([None], 1.0) == 1.0
