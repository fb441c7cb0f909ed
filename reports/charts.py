"""Bar charts that read well in French and in Arabic, on the page and in the PDF.

Each bar is a small SVG (the bar, its value and its share as ``<text>``); the domain's label
is HTML text above it. WeasyPrint lays out SVG ``<text>`` glyph by glyph, which breaks the
joining of Arabic letters; HTML text is shaped by Pango as a whole, so labels stay real,
selectable, correctly shaped text in both languages. In Arabic the chart is mirrored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

PALETTE = (
    "#0b5394",
    "#38761d",
    "#b45f06",
    "#741b47",
    "#134f5c",
    "#7f6000",
    "#990000",
    "#351c75",
    "#3d85c6",
    "#6aa84f",
)
WIDTH = 600
VALUE_ROOM = 150  # room left for "4 022 000 (57.5 %)" after the longest bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    display: str  # the value as written in the bilan


def _bar_svg(*, length: float, color: str, text: str, rtl: bool) -> str:
    x = WIDTH - length if rtl else 0
    text_x, anchor = (x - 6, "end") if rtl else (x + length + 6, "start")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-bar" viewBox="0 0 {WIDTH} 18" '
        f'width="100%" aria-hidden="true" font-family="Noto Sans, sans-serif">'
        f'<rect x="{x:.1f}" y="1" width="{max(length, 1):.1f}" height="16" rx="2" '
        f'fill="{color}"/>'
        f'<text x="{text_x:.1f}" y="13" font-size="11" fill="#222" '
        f'text-anchor="{anchor}">{escape(text)}</text></svg>'
    )


def bar_chart(bars: list[Bar], *, title: str, rtl: bool = False) -> str:
    total = sum((Decimal(b.value) for b in bars), Decimal(0))
    largest = max((Decimal(b.value) for b in bars), default=Decimal(0)) or Decimal(1)
    rows = []
    for index, bar in enumerate(bars):
        value = Decimal(bar.value)
        share = value * 100 / total if total else Decimal(0)
        length = float(value / largest) * (WIDTH - VALUE_ROOM)
        share_text = f"{share:.1f}".replace(".", ",")
        rows.append(
            '<div class="chart-row">'
            f'<div class="chart-label">{escape(bar.label)}</div>'
            + _bar_svg(
                length=length,
                color=PALETTE[index % len(PALETTE)],
                text=f"{bar.display} ({share_text} %)",
                rtl=rtl,
            )
            + "</div>"
        )
    return (
        f'<figure class="chart" dir="{"rtl" if rtl else "ltr"}">'
        f'<figcaption class="chart-title">{escape(title)}</figcaption>'
        + "".join(rows)
        + "</figure>"
    )
