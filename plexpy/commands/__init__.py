"""Operator commands as plain functions over settings; they return result objects and never print."""

__all__: list[str] = []
