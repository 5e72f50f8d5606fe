"""``report.md``: the parity summary as Markdown (tables per domain and operation, mismatch samples)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["COLUMNS", "render_markdown", "timing"]

#: (header, counter) pairs shown for every domain and operation.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("calls", "calls"), ("compared", "compared"), ("matches", "matches"), ("mismatches", "mismatches"),
    ("wrong type", "wrong_type"), ("candidate errors", "candidate_errors"), ("timeouts", "timeouts"),
    ("shed", "shed"), ("skipped", "skipped"), ("raced", "raced"), ("shim errors", "shim_errors"),
)


def timing(entry: Mapping[str, Any]) -> str:
    """``legacy 0.41/1.20 · sqlalchemy 0.52/1.73`` (p50/p95 in ms per path)."""
    parts = []
    for path, t in entry.get("timings", {}).items():
        parts.append(f"{path} {_ms(t.get('p50_ms'))}/{_ms(t.get('p95_ms'))}")
    return " · ".join(parts) or "—"


def checks_text(entry: Mapping[str, Any]) -> str:
    """``oracle 141/141`` per external check."""
    return " · ".join(f"{name} {c['passed']}/{c['passed'] + c['failed']}"
                      for name, c in entry.get("checks", {}).items()) or "—"


def tolerances_text(entry: Mapping[str, Any]) -> str:
    """``unordered_rows×3, int_float×2``."""
    return ", ".join(f"{name}×{count}" for name, count in entry.get("tolerances", {}).items()) or "—"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(rows: list[Mapping[str, Any]], first: str) -> list[str]:
    headers = [first, *(h for h, _ in COLUMNS), "p50/p95 ms", "checks", "tolerances", "verdict", "recheck"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        verdict = f"**{row.get('verdict')}**" + (f" (demoted×{row['demotions']})" if row.get("demotions") else "")
        recheck = ", ".join(f"{k}×{v}" for k, v in (row.get("recheck") or {}).items()) or "—"
        cells = [row.get("domain") or row.get("operation"), *(row.get(k, 0) for _, k in COLUMNS), timing(row),
                 checks_text(row), tolerances_text(row), verdict, recheck]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def render_markdown(summary: Mapping[str, Any]) -> str:
    """The report as Markdown."""
    totals = summary.get("totals", {})
    lines = [f"# {summary.get('title', 'Parity report')}", ""]
    lines += [f"- run: `{summary.get('run', '')}`", f"- created: {summary.get('created', '')}"]
    for key, value in (summary.get("meta") or {}).items():
        lines.append(f"- {key}: {_cell(value)}")
    lines += ["", f"**Verdict: {totals.get('verdict', 'no-data')}** — {totals.get('calls', 0)} calls, "
              f"{totals.get('matches', 0)} matches, {totals.get('mismatches', 0)} mismatches"
              + (f", {totals['raced']} raced" if totals.get("raced") else "")
              + (f", {totals['demotions']} demotions" if totals.get("demotions") else "") + ".", "", "## Domains", ""]
    lines += _table(list(summary.get("domains", [])), "domain")
    missing = summary.get("not_implemented") or []
    if missing:
        lines += ["", "Not implemented yet (no twins): " + ", ".join(f"`{d}`" for d in missing) + "."]
    lines += ["", "## Tolerances", "", "| name | applied | meaning |", "|---|---|---|"]
    for name, t in summary.get("tolerances", {}).items():
        lines.append(f"| `{name}` | {t['applied']} | {_cell(t['description'])} |")
    lines += _demotions(list(summary.get("demotions") or []))
    sources = summary.get("sources") or []
    if sources:
        lines += ["", "## Runs merged", "", "| run | title | created | events |", "|---|---|---|---|"]
        lines += [f"| `{s.get('run')}` | {_cell(s.get('title', ''))} | {s.get('created', '')} | {s.get('events', 0)} |"
                  for s in sources]
    if summary.get("shim_errors"):
        lines += ["", "## Failures inside the shim", ""]
        lines += [f"- {stage}: {count}" for stage, count in summary["shim_errors"].items()]
    for domain in summary.get("domains", []):
        lines += ["", f"## {domain['domain']}", ""]
        lines += _table(list(domain.get("operations", [])), "operation")
        for op in domain.get("operations", []):
            lines += _samples(op)
    return "\n".join(lines) + "\n"


def _demotions(demotions: list[Mapping[str, Any]]) -> list[str]:
    if not demotions:
        return []
    lines = ["", "## Automatic demotions", "", "| domain | from → to | failures | window | at | reason |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {d.get('domain')} | {d.get('from')} → {d.get('to')} | {d.get('failures')} | {d.get('window')} | "
              f"{d.get('at', '')} | {_cell(d.get('reason', ''))} |" for d in demotions]
    return lines


def _samples(op: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for sample in op.get("samples", []):
        lines += ["", f"### {op['operation']} — {sample.get('event')} (#{sample.get('seq')})", "", "```text"]
        for key in ("difference", "answering_error", "compared_error", "reason", "arguments", "context"):
            if sample.get(key) not in (None, "", {}):
                lines.append(f"{key}: {sample[key]}")
        lines.append("```")
    for name, check in op.get("checks", {}).items():
        for sample in check.get("samples", []):
            lines += ["", f"### {op['operation']} — {name} failed ({sample.get('ref')})", "", "```text",
                      str(sample.get("detail")), "```"]
    return lines
