"""Parity reports: event sinks, the summary, and its Markdown and HTML renderings."""

from shim.report.render_html import render_html
from shim.report.render_md import render_markdown
from shim.report.run import ReportRun
from shim.report.sink import JsonlSink, LogPublisher, Publisher
from shim.report.summary import SummaryCollector, percentile, verdict

__all__ = [
    "JsonlSink",
    "LogPublisher",
    "Publisher",
    "ReportRun",
    "SummaryCollector",
    "percentile",
    "render_html",
    "render_markdown",
    "verdict",
]
