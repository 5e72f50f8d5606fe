"""``report.html``: one self-contained page (inline CSS, no script, no server, no network, no external asset)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from shim.report.render_md import COLUMNS, checks_text, timing, tolerances_text

__all__ = ["render_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d1d1f;background:#fff}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #d0d0d7;padding:.25rem .45rem;text-align:right;vertical-align:top}
th{background:#f3f3f6;font-weight:600}td.name,th.name{text-align:left;font-family:ui-monospace,monospace}
td.text{text-align:left}
.v{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-weight:600;font-size:.85rem}
.pass{background:#d8f5de;color:#115a22}.fail{background:#fbd9d9;color:#8a1111}
.warn{background:#fdf0c8;color:#6d4c00}.no-data{background:#e8e8ee;color:#444}
pre{background:#f6f6f9;border:1px solid #e1e1e8;padding:.5rem;white-space:pre-wrap;word-break:break-word}
details{margin:.3rem 0}summary{cursor:pointer}.meta{color:#555}
"""


def _badge(verdict: str) -> str:
    return f'<span class="v {escape(verdict)}">{escape(verdict)}</span>'


def _row(entry: Mapping[str, Any], kind: str, name: str) -> str:
    cells = [f'<td class="name">{escape(name)}</td>']
    cells += [f"<td>{int(entry.get(key, 0))}</td>" for _, key in COLUMNS]
    cells += [f'<td class="text">{escape(text)}</td>'
              for text in (timing(entry), checks_text(entry), tolerances_text(entry))]
    cells.append(f"<td>{_badge(str(entry.get('verdict', 'no-data')))}</td>")
    return f'<tr class="{kind}" data-{kind}="{escape(name)}">' + "".join(cells) + "</tr>"


def _head(first: str) -> str:
    headers = [first, *(h for h, _ in COLUMNS), "p50/p95 ms", "checks", "tolerances", "verdict"]
    return "<tr>" + "".join(f'<th class="{"name" if i == 0 else ""}">{escape(h)}</th>'
                            for i, h in enumerate(headers)) + "</tr>"


def _samples(op: Mapping[str, Any]) -> str:
    parts = []
    for sample in op.get("samples", []):
        body = "\n".join(f"{key}: {sample[key]}" for key in
                         ("difference", "answering_error", "compared_error", "reason", "arguments", "context")
                         if sample.get(key) not in (None, "", {}))
        parts.append(f"<details><summary>{escape(str(op['operation']))} — {escape(str(sample.get('event')))} "
                     f"#{escape(str(sample.get('seq')))}</summary><pre>{escape(body)}</pre></details>")
    for name, check in op.get("checks", {}).items():
        for sample in check.get("samples", []):
            parts.append(f"<details><summary>{escape(str(op['operation']))} — {escape(name)} failed "
                         f"({escape(str(sample.get('ref')))})</summary><pre>{escape(str(sample.get('detail')))}"
                         "</pre></details>")
    return "".join(parts)


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
        f"<p>{int(totals.get('calls', 0))} calls, {int(totals.get('matches', 0))} matches, "
        f"{int(totals.get('mismatches', 0))} mismatches, {int(totals.get('candidate_errors', 0))} candidate errors, "
        f"{int(totals.get('timeouts', 0))} timeouts, {int(totals.get('shed', 0))} shed.</p>",
        "<h2>Domains</h2>", '<table class="domains">', _head("domain"),
    ]
    out += [_row(d, "domain", str(d["domain"])) for d in summary.get("domains", [])]
    out.append("</table>")
    missing = summary.get("not_implemented") or []
    if missing:
        out.append('<p class="not-implemented">Not implemented yet (no twins): '
                   + ", ".join(f"<code>{escape(str(d))}</code>" for d in missing) + "</p>")
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
        out += [f'<h2 id="{escape(str(domain["domain"]))}">{escape(str(domain["domain"]))} '
                f'{_badge(str(domain.get("verdict", "no-data")))}</h2>', '<table class="operations">',
                _head("operation")]
        out += [_row(op, "operation", str(op["operation"])) for op in domain.get("operations", [])]
        out.append("</table>")
        out += [_samples(op) for op in domain.get("operations", [])]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
