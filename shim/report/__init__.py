"""Parity reports: event sinks, the summary, its Markdown and HTML renderings, runs and their merge."""

from shim.report.merge import merge_runs
from shim.report.render_html import render_html
from shim.report.render_md import render_markdown
from shim.report.run import ReportRun
from shim.report.runs import RunInfo, discover, read_events, resolve
from shim.report.sink import JsonlSink, LogPublisher, Publisher
from shim.report.summary import SummaryCollector, histogram, percentile, verdict

__all__ = [
    "JsonlSink",
    "LogPublisher",
    "Publisher",
    "ReportRun",
    "RunInfo",
    "SummaryCollector",
    "discover",
    "histogram",
    "merge_runs",
    "percentile",
    "read_events",
    "render_html",
    "render_markdown",
    "resolve",
    "verdict",
]
