"""Judge analytics as charts: server-side SVG (no script, no style element; every text escaped).

One horizontal bar per judge, from a zero line; values left of it (a severe judge, disagreement) and
right of it (a lenient judge) in their own colours; a judge without a value gets a dash.
"""

from collections.abc import Sequence
from html import escape

ROW_HEIGHT = 26
LABEL_WIDTH = 130
BAR_WIDTH = 260
VALUE_WIDTH = 60
TOP = 30
POSITIVE = "#2f6fb0"
NEGATIVE = "#c0504d"
GRID = "#c8c8c8"


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float | None]],
    *,
    low: float,
    high: float,
    decimals: int = 2,
    unit: str = "",
) -> str:
    """An SVG bar chart of `rows` (label, value) on the scale low..high (low <= 0 <= high)."""
    low, high = min(low, 0.0), max(high, 0.0)
    span = (high - low) or 1.0
    zero_x = LABEL_WIDTH + BAR_WIDTH * (0 - low) / span
    height = TOP + ROW_HEIGHT * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="15" font-weight="bold" fill="#222">{escape(title)}</text>',
        f'<line x1="{zero_x:.1f}" y1="{TOP - 4}" x2="{zero_x:.1f}" y2="{height - 4}" stroke="{GRID}"/>',
    ]
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        shown = label if len(label) <= 14 else label[:13] + "…"
        parts.append(f'<text x="0" y="{y + 18}" font-size="14" fill="#222">{escape(shown)}</text>')
        if value is None:
            parts.append(f'<text x="{zero_x + 4:.1f}" y="{y + 18}" font-size="14" fill="#777">—</text>')
            continue
        clipped = max(low, min(high, value))
        end_x = LABEL_WIDTH + BAR_WIDTH * (clipped - low) / span
        left, right = sorted((zero_x, end_x))
        colour = POSITIVE if value >= 0 else NEGATIVE
        parts.append(
            f'<rect x="{left:.1f}" y="{y + 4}" width="{max(right - left, 1):.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 18}" font-size="14" fill="#222">'
            f"{escape(_number(value, decimals) + unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def symmetric(values: Sequence[float | None], floor: float) -> float:
    """A half-range that shows every value: the largest magnitude, at least `floor`."""
    return max([abs(v) for v in values if v is not None] + [floor])
