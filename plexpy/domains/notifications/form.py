"""One entry of an agent's settings form, and how a form is rendered for a config."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Option", "render"]


@dataclass(frozen=True, slots=True)
class Option:
    """One entry of an agent's settings form."""

    label: str
    input_type: str
    description: str
    key: str | None = None
    button: str | None = None
    name: str | None = None
    choices: Any = None
    select_all: bool | None = None
    refresh: bool = False


def render(agent: str, options: tuple[Option, ...], config: Mapping[str, Any],
           choices: Callable[[str], Any]) -> list[dict[str, Any]]:
    """The ``config_options`` list of an agent's form for ``config`` (option names are prefixed by ``agent``)."""
    rendered = []
    for option in options:
        item: dict[str, Any] = {"label": option.label, "description": option.description,
                                "input_type": option.input_type}
        if option.key is not None:
            item["value"] = config[option.key]
            item["name"] = f"{agent}_{option.key}"
        elif option.button is not None:
            item["value"] = option.button
            item["name"] = option.name
        if option.choices is not None:
            is_named = isinstance(option.choices, str) and option.choices.startswith("@")
            item["select_options"] = choices(option.choices[1:]) if is_named else dict(option.choices)
        if option.select_all is not None:
            item["select_all"] = option.select_all
        if option.refresh:
            item["refresh"] = True
        rendered.append(item)
    return rendered
