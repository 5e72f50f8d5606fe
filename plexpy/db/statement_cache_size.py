"""How many prepared statements each SQLite connection keeps, on both paths.

The driver keeps a connection's prepared statements in an LRU (``sqlite3.connect(cached_statements=...)``,
128 by default). Tautulli's calls use about 450 distinct statements on each path, so with 128 most calls in a
mixed workload prepare their statements again: up to 0.5 ms for a DataTables count over a grouped query, more
than the rest of the call. 512 keeps the working set prepared; it costs about 7 MB per connection on the
sample's calls (peak RSS of ``tautulli-db bench calls``: 185 → 200 MB for one connection on each path).
"""

from __future__ import annotations

__all__ = ["STATEMENT_CACHE"]

#: ``cached_statements`` of every SQLite connection the legacy executor and the SQLAlchemy engines open.
STATEMENT_CACHE = 512
