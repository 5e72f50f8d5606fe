"""Database access: the legacy sqlite3 executor, the SQLAlchemy engine, the one schema, errors."""

__all__: list[str] = []
