"""``report.html``: one self-contained page (inline CSS and SVG; no script, no server, no network, no asset).

A per-domain table with verdicts and latency histograms, automatic demotions, the runs a merged report
combines, the named tolerances, then one section per domain: a larger histogram, the operations, and each
mismatch sample as an expandable ``<details>`` with its field-level diff (values already redacted).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from shim.report.charts import latency_chart, legend
from shim.report.diffs import field_diffs, marked
from shim.report.render_md import COLUMNS, checks_text, timing, tolerances_text

__all__ = ["render_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d1d1f;background:#fff}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%;font-size:13px}.wrap{overflow-x:auto}
th,td{border:1px solid #d0d0d7;padding:.25rem .45rem;text-align:right;vertical-align:top}
th{background:#f3f3f6;font-weight:600}td.name,th.name{text-align:left;font-family:ui-monospace,monospace}
td.text,th.text{text-align:left}td.chart{padding:.1rem .3rem}td.timing{text-align:left;white-space:nowrap}
.v{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-weight:600;font-size:.85rem}
.pass{background:#d8f5de;color:#115a22}.fail{background:#fbd9d9;color:#8a1111}
.warn{background:#fdf0c8;color:#6d4c00}.no-data{background:#e8e8ee;color:#444}
.demoted{background:#f3ddf7;color:#5b1a6e}
pre{background:#f6f6f9;border:1px solid #e1e1e8;padding:.5rem;white-space:pre-wrap;word-break:break-word}
details{margin:.3rem 0;border:1px solid #e1e1e8;border-radius:.3rem;padding:.2rem .5rem}
summary{cursor:pointer;font-family:ui-monospace,monospace}.meta{color:#555}
table.diff{width:auto;min-width:50%}table.diff td{text-align:left;font-family:ui-monospace,monospace}
mark{background:#ffe08a;padding:0 .1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:.15rem;margin:0 .25rem 0 .6rem;
vertical-align:middle}
"""


def _badge(verdict: str) -> str:
    return f'<span class="v {escape(verdict)}">{escape(verdict)}</span>'


def _extra(entry: Mapping[str, Any]) -> str:
    recheck = entry.get("recheck") or {}
    return ", ".join(f"{escape(str(k))}×{int(v)}" for k, v in recheck.items()) or "—"


#: The counters of the domain overview (the operation tables show every counter).
DOMAIN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("calls", "calls"), ("compared", "compared"), ("matches", "matches"), ("mismatches", "mismatches"),
    ("wrong type", "wrong_type"), ("errors", "candidate_errors"), ("timeouts", "timeouts"), ("raced", "raced"),
)


def _timing(entry: Mapping[str, Any]) -> str:
    lines = [f"{escape(path)} {_ms(t.get('p50_ms'))} / {_ms(t.get('p95_ms'))}"
             for path, t in entry.get("timings", {}).items()]
    return "<br>".join(lines) or escape(timing(entry))


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _row(entry: Mapping[str, Any], kind: str, name: str) -> str:
    columns = DOMAIN_COLUMNS if kind == "domain" else COLUMNS
    badges = _badge(str(entry.get("verdict", "no-data")))
    if entry.get("demotions"):
        badges += f' <span class="v demoted">demoted×{int(entry["demotions"])}</span>'
    cells = [f'<td class="name">{escape(name)}</td>', f'<td class="verdict">{badges}</td>']
    cells += [f"<td>{int(entry.get(key, 0))}</td>" for _, key in columns]
    cells.append(f'<td class="timing">{_timing(entry)}</td>')
    chart = latency_chart(entry.get("histogram") or {}, entry.get("timings"), width=128, height=26,
                          label=f"latency of {name}")
    cells.append(f'<td class="chart">{chart}</td>')
    cells += [f'<td class="text">{escape(text)}</td>' for text in (checks_text(entry), tolerances_text(entry))]
    cells.append(f'<td class="text">{_extra(entry)}</td>')
    return f'<tr class="{kind}" data-{kind}="{escape(name)}">' + "".join(cells) + "</tr>"


def _head(first: str) -> str:
    columns = DOMAIN_COLUMNS if first == "domain" else COLUMNS
    headers = [first, "verdict", *(h for h, _ in columns), "p50 / p95 ms", "latency", "checks", "tolerances",
               "recheck"]
    return "<tr>" + "".join(f'<th class="{"name" if i == 0 else ""}">{escape(h)}</th>'
                            for i, h in enumerate(headers)) + "</tr>"


def _diff_table(difference: str) -> str:
    rows = []
    for diff in field_diffs(difference):
        if diff.answering is not None and diff.compared is not None:
            left, right = marked(diff.answering, diff.compared)
        else:
            left = right = "—"
        row = "—" if diff.row is None else str(diff.row)
        rows.append(f'<tr class="field"><td>{escape(diff.path)}</td><td>{row}</td><td>{escape(diff.field)}</td>'
                    f"<td>{left}</td><td>{right}</td><td>{escape(diff.note) or '—'}</td></tr>")
    return ('<table class="diff"><tr><th class="text">path</th><th class="text">row</th><th class="text">field'
            '</th><th class="text">answering</th><th class="text">compared</th><th class="text">note</th></tr>'
            + "".join(rows) + "</table>")


def _samples(op: Mapping[str, Any]) -> str:
    parts = []
    for sample in op.get("samples", []):
        body = "\n".join(f"{key}: {sample[key]}" for key in
                         ("difference", "answering_error", "compared_error", "reason", "arguments", "context")
                         if sample.get(key) not in (None, "", {}))
        diff = _diff_table(str(sample["difference"])) if sample.get("difference") else ""
        parts.append(f'<details class="sample" data-operation="{escape(str(op["operation"]))}"><summary>'
                     f"{escape(str(op['operation']))} — {escape(str(sample.get('event')))} "
                     f"#{escape(str(sample.get('seq')))}</summary>{diff}<pre>{escape(body)}</pre></details>")
    for name, check in op.get("checks", {}).items():
        for sample in check.get("samples", []):
            parts.append(f'<details class="check"><summary>{escape(str(op["operation"]))} — {escape(name)} failed '
                         f"({escape(str(sample.get('ref')))})</summary><pre>{escape(str(sample.get('detail')))}"
                         "</pre></details>")
    return "".join(parts)


def _demotions(demotions: list[Mapping[str, Any]]) -> list[str]:
    if not demotions:
        return []
    out = ["<h2>Automatic demotions</h2>", '<table class="demotions"><tr><th class="name">domain</th>'
           '<th class="text">from → to</th><th>failures</th><th>window</th><th class="text">at</th>'
           '<th class="text">reason</th></tr>']
    for d in demotions:
        out.append(f'<tr class="demotion" data-domain="{escape(str(d.get("domain")))}"><td class="name">'
                   f"{escape(str(d.get('domain')))}</td><td class=\"text\">{escape(str(d.get('from')))} → "
                   f"{escape(str(d.get('to')))}</td><td>{int(d.get('failures', 0))}</td>"
                   f"<td>{int(d.get('window', 0))}</td><td class=\"text\">{escape(str(d.get('at', '')))}</td>"
                   f"<td class=\"text\">{escape(str(d.get('reason', '')))}</td></tr>")
    out.append("</table>")
    return out


def _sources(sources: list[Mapping[str, Any]]) -> list[str]:
    if not sources:
        return []
    out = ["<h2>Runs merged</h2>", '<table class="runs"><tr><th class="name">run</th><th class="text">title</th>'
           '<th class="text">created</th><th>events</th></tr>']
    out += [f'<tr class="run"><td class="name">{escape(str(s.get("run")))}</td><td class="text">'
            f"{escape(str(s.get('title', '')))}</td><td class=\"text\">{escape(str(s.get('created', '')))}</td>"
            f"<td>{int(s.get('events', 0))}</td></tr>" for s in sources]
    out.append("</table>")
    return out


def _paths(summary: Mapping[str, Any]) -> list[str]:
    seen: list[str] = []
    for domain in summary.get("domains", []):
        seen += [p for p in (domain.get("histogram") or {}) if p not in seen]
    return seen


def render_html(summary: Mapping[str, Any]) -> str:
    """The report as one HTML document."""
    totals = summary.get("totals", {})
    title = str(summary.get("title", "Parity report"))
    meta = [("run", summary.get("run", "")), ("created", summary.get("created", "")),
            *((summary.get("meta") or {}).items())]
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)} {_badge(str(totals.get('verdict', 'no-data')))}</h1>",
        '<p class="meta">' + " · ".join(f"{escape(str(k))}: {escape(str(v))}" for k, v in meta) + "</p>",
        f'<p class="totals">{int(totals.get("calls", 0))} calls, {int(totals.get("matches", 0))} matches, '
        f"{int(totals.get('mismatches', 0))} mismatches, {int(totals.get('candidate_errors', 0))} candidate errors, "
        f"{int(totals.get('timeouts', 0))} timeouts, {int(totals.get('shed', 0))} shed, "
        f"{int(totals.get('raced', 0))} raced, {int(totals.get('demotions', 0))} demotions.</p>",
        "<h2>Domains</h2>", f'<p class="meta">latency histograms (log scale, each path scaled to its own calls):'
        f"{legend(_paths(summary))}</p>", '<div class="wrap"><table class="domains">', _head("domain"),
    ]
    out += [_row(d, "domain", str(d["domain"])) for d in summary.get("domains", [])]
    out.append("</table></div>")
    missing = summary.get("not_implemented") or []
    if missing:
        out.append('<p class="not-implemented">Not implemented yet (no twins): '
                   + ", ".join(f"<code>{escape(str(d))}</code>" for d in missing) + "</p>")
    out += _demotions(list(summary.get("demotions") or []))
    out += _sources(list(summary.get("sources") or []))
    out += ["<h2>Tolerances</h2>", '<table class="tolerances"><tr><th class="name">name</th><th>applied</th>'
            '<th class="text">meaning</th></tr>']
    out += [f'<tr><td class="name">{escape(name)}</td><td>{int(t["applied"])}</td>'
            f'<td class="text">{escape(str(t["description"]))}</td></tr>'
            for name, t in summary.get("tolerances", {}).items()]
    out.append("</table>")
    if summary.get("shim_errors"):
        out.append("<h2>Failures inside the shim</h2><ul>" + "".join(
            f"<li>{escape(str(stage))}: {int(count)}</li>" for stage, count in summary["shim_errors"].items())
            + "</ul>")
    for domain in summary.get("domains", []):
        name = str(domain["domain"])
        out += [f'<h2 id="{escape(name)}">{escape(name)} {_badge(str(domain.get("verdict", "no-data")))}</h2>',
                latency_chart(domain.get("histogram") or {}, domain.get("timings"), width=420, height=70, axis=True,
                              label=f"latency of {name}")]
        if not domain.get("operations"):
            out.append('<p class="meta">No call of this domain was recorded.</p>')
            continue
        out += ['<div class="wrap"><table class="operations">', _head("operation")]
        out += [_row(op, "operation", str(op["operation"])) for op in domain.get("operations", [])]
        out.append("</table></div>")
        out += [_samples(op) for op in domain.get("operations", [])]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
