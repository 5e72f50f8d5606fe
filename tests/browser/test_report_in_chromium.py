"""report.html in a real headless Chromium: it renders from disk alone, shows every domain, and its mismatch
samples expand on a click (DOM dump, screenshot, and a DevTools session that clicks and watches the network).
"""

from __future__ import annotations

import base64
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from shim.clean import clean
from shim.observation import Outcome, ParityEvent
from shim.report import ReportRun, discover, merge_runs
from shim.testing import FrozenClock

DIFF = "data[3].friendly_name: 'Kim Smith' != 'Kim Smyth'"


def _events(run: ReportRun, seed: int) -> None:
    seq = 0
    for domain, operations in (("users", ("get_details", "get_user_names")), ("history", ("get_history",))):
        for index in range(40):
            seq += 1
            mismatch = domain == "history" and index % 20 == seed
            run.publish(ParityEvent(
                outcome=Outcome.MISMATCH if mismatch else Outcome.MATCH, seq=seq, domain=domain,
                operation=operations[index % len(operations)], mode="reverse-shadow", answering="sqlalchemy",
                compared="legacy", answering_ns=(index % 9 + 1) * 700_000, compared_ns=(index % 7 + 1) * 300_000,
                arguments=clean({"kwargs": {"user_id": 7, "email": "kim@example.com"}}) if mismatch else {},
                difference=DIFF if mismatch else None))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A merged report of two runs with mismatches (arguments cleaned as the router cleans them) and a demotion."""
    root = tmp_path_factory.mktemp("reports")
    for seed, at in ((3, 1_768_478_400), (11, 1_768_478_460)):
        run = ReportRun(root, clock=FrozenClock(at), title="Parity report: browser test")
        run.declare(["users", "history", "graphs"])
        _events(run, seed)
        if seed == 11:
            run.record_demotion({"domain": "history", "from": "reverse-shadow", "to": "shadow", "failures": 3,
                                 "window": 100, "at": "2026-01-15T12:01:00Z", "reason": "3 of the last 100 failed"})
        run.finish()
    folder = merge_runs(discover(root), root, clock=FrozenClock(1_768_478_520))
    return folder / "report.html"


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.domains: list[str] = []
        self.samples: list[dict[str, str | None]] = []
        self.charts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if tag == "tr" and data.get("class") == "domain":
            self.domains.append(str(data.get("data-domain")))
        if tag == "details" and data.get("class") == "sample":
            self.samples.append(data)
        if tag == "svg" and data.get("class") == "chart":
            self.charts += 1


def test_the_dumped_dom_has_every_domain_row_charts_and_closed_mismatch_samples(chromium_run, report: Path) -> None:
    result = chromium_run("--dump-dom", report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = _Dom()
    dom.feed(result.stdout)
    assert dom.domains == ["users", "history", "graphs"]
    assert len(dom.samples) == 4 and all("open" not in s for s in dom.samples)
    assert dom.charts >= 6 and "Automatic demotions" in result.stdout and "kim@example.com" not in result.stdout


def test_a_screenshot_is_taken_at_the_window_size(chromium_run, report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = chromium_run(f"--screenshot={shot}", "--window-size=1280,900", report.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 900)
    assert len(data) > 20_000, "a rendered table and charts, not a blank page"


def test_mismatch_details_expand_on_click_and_nothing_is_fetched(devtools, report: Path, tmp_path: Path) -> None:
    devtools.send("Page.enable", page=True)
    devtools.send("Network.enable", page=True)
    devtools.send("Page.navigate", {"url": report.as_uri()}, page=True)
    devtools.wait_for("Page.loadEventFired")
    assert devtools.evaluate("[...document.querySelectorAll('tr.domain')].map(r => r.dataset.domain)") == [
        "users", "history", "graphs"]
    first = "document.querySelector('details.sample')"
    diff = f"{first}.querySelector('table.diff')"
    closed = devtools.evaluate(f"{first}.getBoundingClientRect().height")
    assert devtools.evaluate(f"{first}.open") is False
    assert devtools.evaluate(f"{diff}.checkVisibility()") is False, "a closed sample hides its diff"
    devtools.evaluate(f"{first}.querySelector('summary').click()")
    assert devtools.evaluate(f"{first}.open") is True
    assert devtools.evaluate(f"{diff}.checkVisibility()") is True
    assert devtools.evaluate(f"{first}.getBoundingClientRect().height") > closed + 20
    assert devtools.evaluate(f"[...{first}.querySelectorAll('tr.field td')].map(td => td.textContent)") == [
        "data[3].friendly_name", "3", "friendly_name", "'Kim Smith'", "'Kim Smyth'", "—"]
    assert devtools.evaluate(f"[...{first}.querySelectorAll('mark')].map(m => m.textContent)") == ["i", "y"]
    assert devtools.evaluate("document.querySelectorAll('details.sample[open]').length") == 1
    devtools.evaluate(f"{first}.scrollIntoView()")
    shot = devtools.send("Page.captureScreenshot", {"format": "png"}, page=True)
    (tmp_path / "expanded.png").write_bytes(base64.b64decode(shot["data"]))
    assert (tmp_path / "expanded.png").stat().st_size > 10_000
    fetched = [e["params"]["request"]["url"] for e in devtools.events if e.get("method") == "Network.requestWillBeSent"]
    assert fetched == [report.as_uri()], "one file, nothing else: no network, no external asset"
