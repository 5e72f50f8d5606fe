"""The builder: the catalogue, people, plays, history and extras mixins over one seeded state."""

from __future__ import annotations

from plexpy.generate.catalogue import _CatalogueMixin
from plexpy.generate.extras import _ExtrasMixin
from plexpy.generate.history import _HistoryMixin
from plexpy.generate.plays import _PlaysMixin


class _Builder(_CatalogueMixin, _PlaysMixin, _HistoryMixin, _ExtrasMixin):
    """Draws the catalogue, the users and the plays from one seeded ``random.Random``."""
