"""Record the signatures (parameter names and defaults) of Tautulli's data-layer functions as facts.

Usage: python tools/gen_tautulli_signatures.py /path/to/Tautulli/plexpy > tests/data/tautulli_signatures.json

Reads the source with ``ast`` (nothing is imported or copied): for each ``module:Class.method`` or
``module:function`` named in the oracle records and the surface map, it writes the parameter list.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

MODULES = (
    "users", "libraries", "datafactory", "graphs", "activity_processor", "database", "notifiers",
    "notification_handler", "newsletters", "newsletter_handler", "mobile_app", "exporter", "webauth",
)


def _default(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


def _params(fn: ast.FunctionDef) -> list[list[object]]:
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = []
    for arg, default in zip(positional, defaults, strict=True):
        if arg.arg == "self":
            continue
        out.append([arg.arg, "required" if default is None else _default(default)])
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out.append([arg.arg, "required" if default is None else _default(default)])
    if args.vararg:
        out.append(["*" + args.vararg.arg, "varargs"])
    if args.kwarg:
        out.append(["**" + args.kwarg.arg, "varkw"])
    return out


def main(root: Path) -> dict[str, list[list[object]]]:
    """Map every public function and method of the data-layer modules under ``root`` to its parameters."""
    found: dict[str, list[list[object]]] = {}
    for name in MODULES:
        tree = ast.parse((root / f"{name}.py").read_text(encoding="utf-8-sig"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found[f"plexpy.{name}:{node.name}"] = _params(node)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                        found[f"plexpy.{name}:{node.name}.{item.name}"] = _params(item)
    return found


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout, indent=1, sort_keys=True, default=str)
    sys.stdout.write("\n")
