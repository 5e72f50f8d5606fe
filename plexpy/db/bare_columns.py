"""Which form a twin runs for a query whose answer rests on SQLite's bare-column rules.

Tautulli folds rows with GROUP BY and reads columns that are neither grouped nor aggregated. SQLite defines
them: from the row of the single ``MIN()``/``MAX()`` when there is one, otherwise from the group's first row in
scan order; ties in the ORDER BY keep the GROUP BY's order. On SQLite the twins run a *grouped* statement of
the legacy query's shape, so SQLite applies those rules itself (and plans it the same way, at the same cost).
Every other backend runs the *window* form, which spells each rule out with ``row_number()`` and window
aggregates. Both forms are judged against the oracle on the SQLite sample (``tests/domains/test_grouped_forms.py``)
and the window form on PostgreSQL by its replay.

Call :func:`grouped` through this module (``bare_columns.grouped(bind)``) so the tests can switch forms.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

__all__ = ["grouped"]


def grouped(bind: Connection | Engine) -> bool:
    """Whether ``bind`` runs the grouped form (SQLite) rather than the window form."""
    return bind.dialect.name == "sqlite"
