"""Small inline SVG charts for ``report.html``: latency histograms of both paths (no script, no asset).

Bins are logarithmic (:data:`~shim.report.summary.HISTOGRAM_EDGES_MS`), so a path that is ten times slower
shows as bars shifted to the right. Each path's bars are scaled to its own calls (a distribution, not a
count), so a compared path sampled at 10 % compares fairly with the answering path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from shim.report.summary import HISTOGRAM_EDGES_MS

__all__ = ["COLOURS", "bin_label", "latency_chart", "legend"]

#: Fill colour per path (A/A paths get the colour of their path).
COLOURS = {"legacy": "#4f6fd1", "sqlalchemy": "#d9822b"}
_OTHER = "#7a7a85"


def bin_label(index: int) -> str:
    """``0.5–1 ms`` for bin ``index`` (``< 0.1 ms`` first, ``≥ 5000 ms`` last)."""
    edges = HISTOGRAM_EDGES_MS
    if index == 0:
        return f"< {edges[0]:g} ms"
    if index >= len(edges):
        return f"≥ {edges[-1]:g} ms"
    return f"{edges[index - 1]:g}–{edges[index]:g} ms"


def _colour(path: str) -> str:
    return COLOURS.get(path.split(" ", 1)[0], _OTHER)


def latency_chart(histograms: Mapping[str, Sequence[int]], timings: Mapping[str, Mapping[str, Any]] | None = None,
                  *, width: int = 240, height: int = 56, axis: bool = False, label: str = "") -> str:
    """An ``<svg>`` histogram with one bar series per path; empty string when there is nothing to draw.

    Args:
        histograms: counts per bin, per path (``summary.json``'s ``histogram``).
        timings: p50/p95 per path, written into the chart's title (its tooltip).
        width: pixels.
        height: pixels of the bars (an axis adds 14).
        axis: label the first, middle and last bins under the bars.
        label: accessible name of the chart.
    """
    series = [(path, list(counts)) for path, counts in histograms.items() if sum(counts)]
    if not series:
        return ""
    bins = len(HISTOGRAM_EDGES_MS) + 1
    slot = width / bins
    bar = max(1.0, (slot - 1) / len(series))
    total_height = height + (14 if axis else 0)
    parts = [f'<svg class="chart" width="{width}" height="{total_height}" '
             f'viewBox="0 0 {width} {total_height}" role="img" aria-label="{escape(label or "latency histogram")}">']
    tips = []
    for path, counts in series:
        t = (timings or {}).get(path, {})
        tips.append(f"{path}: {sum(counts)} calls, p50 {t.get('p50_ms', '—')} ms, p95 {t.get('p95_ms', '—')} ms")
    parts.append(f"<title>{escape('; '.join(tips))}</title>")
    parts.append(f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" stroke="#c8c8d0"/>')
    for offset, (path, counts) in enumerate(series):
        share = max(counts) or 1
        for index, count in enumerate(counts[:bins]):
            if not count:
                continue
            h = max(1.0, (height - 2) * count / share)
            x = index * slot + offset * bar
            parts.append(f'<rect class="bar" data-path="{escape(path)}" data-bin="{index}" x="{x:.1f}" '
                         f'y="{height - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{_colour(path)}">'
                         f"<title>{escape(path)} {escape(bin_label(index))}: {count}</title></rect>")
    if axis:
        for index, anchor in ((0, "start"), (bins // 2, "middle"), (bins - 1, "end")):
            x = 0 if anchor == "start" else width if anchor == "end" else (index + 0.5) * slot
            parts.append(f'<text x="{x:.1f}" y="{total_height - 2}" font-size="9" fill="#555" '
                         f'text-anchor="{anchor}">{escape(bin_label(index))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(paths: Sequence[str]) -> str:
    """Coloured swatches naming each path."""
    return " ".join(f'<span class="swatch" style="background:{_colour(p)}"></span>{escape(p)}' for p in paths)
