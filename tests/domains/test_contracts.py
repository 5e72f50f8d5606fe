"""Both twins follow their domain's contract, and the facades keep Tautulli's signatures."""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path
from typing import Protocol

import pytest

from plexpy.domains import DOMAINS

ROOT = Path(__file__).resolve().parents[2]
SIGNATURES = json.loads((ROOT / "tests" / "data" / "tautulli_signatures.json").read_text(encoding="utf-8"))
BUILT = [d for d in DOMAINS if (ROOT / "plexpy" / "domains" / d / "contract.py").exists()]


def _protocol(domain: str) -> type:
    module = importlib.import_module(f"plexpy.domains.{domain}.contract")
    found = [obj for obj in vars(module).values()
             if inspect.isclass(obj) and obj.__module__ == module.__name__ and Protocol in getattr(obj, "__mro__", ())
             and obj is not Protocol and obj.__name__.endswith("Ops")]
    assert len(found) == 1, f"{domain}: expected one *Ops Protocol in contract.py, found {found}"
    return found[0]


def _methods(cls: type) -> list[str]:
    return [name for name, value in vars(cls).items() if inspect.isfunction(value) and not name.startswith("_")]


def _shape(func) -> list[tuple[str, object, object]]:
    sig = inspect.signature(func)
    return [(p.name, p.kind, p.default) for p in sig.parameters.values() if p.name != "self"]


@pytest.mark.parametrize("domain", BUILT)
def test_twins_have_the_contract_methods_in_order_with_identical_signatures(domain: str) -> None:
    protocol = _protocol(domain)
    expected = _methods(protocol)
    assert expected, f"{domain}: the contract declares no operation"
    operations = importlib.import_module(f"plexpy.domains.{domain}.contract").OPERATIONS
    assert set(operations) == set(expected), f"{domain}: OPERATIONS and the Protocol list different operations"
    for side in ("legacy", "sqla"):
        twin = importlib.import_module(f"plexpy.domains.{domain}.{side}").TWIN
        present = [m for m in _methods(twin) if m in expected]
        assert present == expected, f"{domain}.{side}: methods {present} != contract order {expected}"
        for name in expected:
            assert _shape(getattr(twin, name)) == _shape(getattr(protocol, name)), f"{domain}.{side}.{name}"


def _facade(target: str):
    module_name, _, path = target.partition(":")
    try:
        obj = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def test_facades_keep_tautullis_signatures() -> None:
    checked = 0
    problems = []
    for target, params in SIGNATURES.items():
        func = _facade(target)
        if func is None:
            continue
        ours = [[p.name, "required" if p.default is inspect.Parameter.empty else p.default]
                for p in inspect.signature(func).parameters.values() if p.name != "self"]
        theirs = [[name, default] for name, default in params]
        if [n for n, _ in ours] != [n.lstrip("*") for n, _ in theirs] or any(
            o[1] != t[1] and t[1] not in ("varargs", "varkw") for o, t in zip(ours, theirs, strict=False)
        ):
            problems.append(f"{target}: ours {ours} != Tautulli {theirs}")
        checked += 1
    print(f"{checked} facade functions checked against Tautulli v2.17.2 signatures")
    assert checked >= 12
    assert not problems, "\n".join(problems)


def test_every_recorded_target_has_a_facade_of_an_implemented_domain() -> None:
    records = [json.loads(line) for line in (ROOT / "plexpy" / "sample" / "calls.jsonl").open(encoding="utf-8")]
    targets = {(r["domain"], r["target"]) for r in records}
    missing = sorted(t for d, t in targets if d in BUILT and _facade(t) is None)
    assert not missing, missing
