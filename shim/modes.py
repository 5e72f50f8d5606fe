"""The four routing modes of a domain and the order a flip moves through them."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Which path answers a routed call, and whether the other one runs and is compared."""

    LEGACY = "legacy"
    SHADOW = "shadow"
    REVERSE_SHADOW = "reverse-shadow"
    SQLALCHEMY = "sqlalchemy"

    @property
    def answering(self) -> str:
        """Name of the path whose result reaches the caller."""
        return "legacy" if self in (Mode.LEGACY, Mode.SHADOW) else "sqlalchemy"

    @property
    def compared(self) -> str | None:
        """Name of the path that also runs and is compared, or None."""
        if self is Mode.SHADOW:
            return "sqlalchemy"
        if self is Mode.REVERSE_SHADOW:
            return "legacy"
        return None

    def next(self) -> Mode | None:
        """The next step along legacy → shadow → reverse-shadow → sqlalchemy, or None at the end."""
        order = list(Mode)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None

    @classmethod
    def parse(cls, value: str) -> Mode:
        """Parse a mode name (case-insensitive, `_` accepted for `-`).

        Raises:
            ValueError: naming the valid modes.
        """
        text = str(value).strip().lower().replace("_", "-")
        for mode in cls:
            if mode.value == text:
                return mode
        valid = ", ".join(m.value for m in cls)
        raise ValueError(f"unknown mode {value!r}; valid modes: {valid}")
