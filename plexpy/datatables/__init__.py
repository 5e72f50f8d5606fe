"""DataTables server-side requests: parsed and whitelisted once, rendered for each path."""

from plexpy.datatables.params import DataTablesError, DataTablesPage, OrderTerm, ResolvedRequest, resolve

__all__ = ["DataTablesError", "DataTablesPage", "OrderTerm", "ResolvedRequest", "resolve"]
