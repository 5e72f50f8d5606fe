"""report.html's pieces: latency histograms as inline SVG, field-level diffs, expandable samples, no assets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from shim.observation import Outcome, ParityEvent
from shim.report import ReportRun, histogram
from shim.report.charts import bin_label, latency_chart
from shim.report.diffs import FieldDiff, field_diffs, marked, split_path
from shim.testing import FrozenClock


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def named(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and (cls is None or a.get("class") == cls)]


def test_histogram_bins_are_logarithmic_with_an_open_last_bin() -> None:
    counts = histogram([0.05, 0.1, 0.15, 3, 4.9, 5000, 99999])
    assert len(counts) == 16 and sum(counts) == 7
    assert counts[0] == 2 and counts[1] == 1 and counts[5] == 2 and counts[14] == 1 and counts[15] == 1
    assert (bin_label(0), bin_label(5), bin_label(15)) == ("< 0.1 ms", "2–5 ms", "≥ 5000 ms")


def test_a_latency_chart_is_inline_svg_with_one_series_per_path() -> None:
    svg = latency_chart({"legacy": [0, 2, 1] + [0] * 13, "sqlalchemy": [0, 0, 3] + [0] * 13, "empty": [0] * 16},
                        {"legacy": {"p50_ms": 0.15, "p95_ms": 0.3}}, axis=True, label="latency of users")
    parsed = _Tags()
    parsed.feed(svg)
    bars = parsed.named("rect", "bar")
    assert [(b["data-path"], b["data-bin"]) for b in bars] == [("legacy", "1"), ("legacy", "2"), ("sqlalchemy", "2")]
    assert float(bars[0]["height"] or 0) > float(bars[1]["height"] or 0), "each path scaled to its own maximum"
    assert parsed.named("svg")[0]["aria-label"] == "latency of users"
    assert "legacy: 3 calls, p50 0.15 ms, p95 0.3 ms" in svg and "≥ 5000 ms" in svg
    assert latency_chart({"legacy": [0] * 16}) == ""


def test_field_diffs_read_the_comparators_difference_back() -> None:
    assert field_diffs("data[3].play_duration: 5400 != 5460") == [FieldDiff("data[3].play_duration", "5400", "5460")]
    diff = field_diffs("data[3].play_duration: 5400 != 5460")[0]
    assert (diff.row, diff.field) == (3, "play_duration")
    nested = field_diffs("[2]: row {'a': 1} has no equal in the other result (closest differs at [2].a: 1 != 2)")
    assert [(d.path, d.answering, d.compared) for d in nested] == [("[2]", None, None), ("[2].a", "1", "2")]
    assert field_diffs("data: row count 3 != 4") == [FieldDiff("data", "3", "4", note="row count")]
    assert field_diffs("$: answering raised TypeError, compared returned a result")[0].note.startswith("answering")
    assert field_diffs("comparison failed: boom") == [FieldDiff("$", None, None, note="comparison failed: boom")]
    assert field_diffs(None) == [] and split_path("$") == []
    assert split_path("data[3].title") == [(None, "data"), (3, None), (None, "title")]


def test_marked_highlights_only_the_characters_that_differ_and_escapes_them() -> None:
    assert marked("Kim Smith", "Kim Smyth") == ("Kim Sm<mark>i</mark>th", "Kim Sm<mark>y</mark>th")
    assert marked("<b>", "<b>x") == ("&lt;b&gt;", "&lt;b&gt;<mark>x</mark>")


def test_report_html_has_charts_expandable_samples_with_field_diffs_and_nothing_external(tmp_path: Path) -> None:
    run = ReportRun(tmp_path, clock=FrozenClock(1_768_478_400), title="Parity report: html")
    for seq in range(1, 6):
        run.publish(ParityEvent(outcome=Outcome.MATCH, seq=seq, domain="users", operation="get_details",
                                mode="shadow", answering="legacy", compared="sqlalchemy",
                                answering_ns=seq * 400_000, compared_ns=seq * 1_200_000))
    run.publish(ParityEvent(outcome=Outcome.MISMATCH, seq=6, domain="users", operation="get_details", mode="shadow",
                            answering="legacy", compared="sqlalchemy", answering_ns=1, compared_ns=2,
                            arguments={"email": "***"}, reason="recheck: real (again: same)",
                            difference="data[0].friendly_name: '<Kim & co>' != '<Kym & co>'"))
    folder = run.finish()
    assert folder is not None
    html = (folder / "report.html").read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(html)
    assert [a["data-domain"] for a in parsed.named("tr", "domain")] == ["users"]
    assert len(parsed.named("svg", "chart")) == 3, "in the domain row, in its section, in the operation row"
    (sample,) = parsed.named("details", "sample")
    assert sample["data-operation"] == "get_details" and "open" not in sample
    assert len(parsed.named("tr", "field")) == 1 and "&lt;K<mark>i</mark>m &amp; co&gt;" in html
    assert "real×1" in html, "the recheck label is counted"
    assert not [t for t, _ in parsed.tags if t in ("script", "link", "img", "iframe", "object", "embed")]
    assert not [a for _, a in parsed.tags for k in ("src", "href") if a.get(k)]
    assert not re.search(r"url\(|@import|https?://", html)
