"""A notifier's custom conditions: the JSON the settings form sends, checked as Tautulli v2.17.2 checks it.

Each condition names a notification parameter, an operator its type allows and a list of plain values;
anything else refuses the whole list (the notifier is then not saved).
"""

from __future__ import annotations

import json
from typing import Any, Final, Literal

import structlog

from plexpy.domains.notifications.parameters import PARAMETER_TYPES

__all__ = ["DEFAULT_CONDITIONS", "OPERATORS", "validate"]

log = structlog.get_logger(__name__)

#: The single blank condition a notifier without conditions stores.
DEFAULT_CONDITIONS: Final[tuple[dict[str, Any], ...]] = ({"parameter": "", "operator": "", "value": [],
                                                           "type": None},)

_NUMERIC: Final = ("is", "is not", "is greater than", "is less than")

#: The operators each parameter type allows.
OPERATORS: Final[dict[str, tuple[str, ...]]] = {
    "float": _NUMERIC,
    "int": _NUMERIC,
    "str": ("contains", "does not contain", "is", "is not", "begins with", "does not begin with", "ends with",
            "does not end with"),
}


def _blank() -> dict[str, Any]:
    return dict(DEFAULT_CONDITIONS[0], value=[])


def _condition(item: Any) -> dict[str, Any] | None:
    """One condition with its parameter's type filled in, or None when it is not acceptable."""
    if not isinstance(item, dict):
        log.error("notifications.condition_not_a_dict")
        return None
    checked = _blank()
    parameter = str(item.get("parameter", "")).lower()
    operator = str(item.get("operator", "")).lower()
    values = item.get("value", [])
    if parameter:
        kind = PARAMETER_TYPES.get(parameter)
        if not kind:
            log.error("notifications.condition_unknown_parameter", parameter=parameter)
            return None
        checked["parameter"], checked["type"] = parameter, kind
        if operator:
            if operator not in OPERATORS.get(kind, ()):
                log.error("notifications.condition_bad_operator", parameter=parameter, operator=operator)
                return None
            checked["operator"] = operator
    if values:
        listed = values if isinstance(values, list) else [values]
        if any(not isinstance(v, (str, int, float)) for v in listed):
            log.error("notifications.condition_bad_value", parameter=parameter)
            return None
        checked["value"] = listed
    return checked


def validate(custom_conditions: Any) -> list[dict[str, Any]] | Literal[False]:
    """The conditions to store, or False when the form's JSON is unusable.

    No conditions at all (None) means the default blank condition.

    Raises:
        TypeError: the conditions are neither text nor None (``json.loads`` refuses them, as in Tautulli).
    """
    if custom_conditions is None:
        return [_blank()]
    try:
        parsed = json.loads(custom_conditions)
    except ValueError:
        log.error("notifications.conditions_unreadable")
        return False
    if not isinstance(parsed, list):
        log.error("notifications.conditions_not_a_list")
        return False
    checked = []
    for item in parsed:
        condition = _condition(item)
        if condition is None:
            return False
        checked.append(condition)
    return checked
