"""Build a realistic Tautulli v2.17.2 database of any size, deterministically from a seed.

The schema comes from ``plexpy.db.schema`` (``metadata.create_all`` + ``seed_fresh``), so the file is what a
fresh Tautulli would hold after months of use: users with their devices, the libraries (Live TV ``999999``
included), 18 months of plays with evening and weekend peaks, movies, episodes, tracks and live TV, resumed
plays grouped by ``reference_id``, the three history tables with equal ids, a few streams still playing, the
notification log and the lookup tables. Every value comes from one ``random.Random(seed)``: the same seed and
size give the same file, byte for byte. Titles and names include quotes, ``%``, ``_``, a backslash and
non-ASCII text on purpose. Nothing is copied from Tautulli.

Rows are written with ``executemany`` in one transaction with ``synchronous=OFF`` and no journal; the history
indexes are created after the load (same DDL), and the file is left in WAL mode, as Tautulli leaves it.
"""
from __future__ import annotations

from plexpy.generate.build import GenerateResult, generate
from plexpy.generate.constants import ANCHOR, PMS_IDENTIFIER, Progress

__all__ = ["ANCHOR", "PMS_IDENTIFIER", "GenerateResult", "Progress", "generate"]
