"""The plays: when, who, what and on which device, drawn into per-session and per-play arrays."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from plexpy.generate.constants import (
    _HOURS,
    _LIBRARIES,
    _QUALITY,
    DAY,
)
from plexpy.generate.state import _BuilderState, _cumulative


class _PlaysMixin(_BuilderState):
    """Draws the plays and their resumed segments."""

    def _day_starts(self) -> list[int]:
        """Epoch of local midnight for each day of the history window (oldest first), and weekend flags."""
        last = datetime.fromtimestamp(self.now, UTC).astimezone(self.zone).date()
        starts, self.weekend = [], []
        for back in range(self.span_days, -1, -1):
            day = last - timedelta(days=back)
            starts.append(int(datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp()))
            self.weekend.append(day.weekday() >= 5)
        return starts

    def plays(self, devices: Sequence[tuple[Any, ...]]) -> None:
        """Draw plays until ``sessions`` history rows exist: per-session and per-play columns as arrays."""
        rng, now = self.rng, self.now
        starts = self._day_starts()
        hours = list(_cumulative(_HOURS))
        shares = [row for row in _LIBRARIES if row[5]]
        section_weights = list(_cumulative([row[5] for row in shares]))
        self.s_started, self.s_stopped, self.s_paused = array("q"), array("q"), array("q")
        self.s_offset, self.s_play = array("q"), array("q")
        self.p_user, self.p_dev, self.p_item, self.p_combo = array("q"), array("q"), array("q"), array("q")
        self.p_quality = array("b")
        total = 0
        while total < self.sessions:
            user = bisect.bisect(self.user_weights, rng.random() * self.user_weights[-1])
            section = shares[bisect.bisect(section_weights, rng.random() * section_weights[-1])][0]
            pool, weights = self.by_section[section]
            item = pool[bisect.bisect(weights, rng.random() * weights[-1])]
            _rk, _p, _g, media_type, _s, ms, source = self.items[item]
            candidates = [d for d in self.user_devices[user] if devices[d][11] == (media_type == "track")]
            device = rng.choice(candidates or self.user_devices[user])
            day = int(self.span_days * rng.random() ** 0.8)
            while not self.weekend[day] and rng.random() < 0.25:
                day = int(self.span_days * rng.random() ** 0.8)
            start = starts[day] + bisect.bisect(hours, rng.random() * hours[-1]) * 3600 + rng.randrange(3600)
            segments = 1 if media_type == "track" or section == 999999 else rng.choices((1, 2, 3), (80, 15, 5))[0]
            watched = int(ms * (rng.uniform(0.9, 1.0) if rng.random() < 0.7 else rng.uniform(0.05, 0.9)))
            cuts = sorted(rng.randrange(watched) for _ in range(segments - 1)) if watched else [0] * (segments - 1)
            bounds = [0, *cuts, watched]
            play, moment = len(self.p_user), start
            for part in range(segments):
                length = (bounds[part + 1] - bounds[part]) // 1000
                paused = 0 if rng.random() < 0.6 else rng.randrange(max(1, length // 10))
                stopped = moment + length + paused
                if stopped >= now - 60 or total >= self.sessions:
                    break
                self.s_started.append(moment)
                self.s_stopped.append(stopped)
                self.s_paused.append(paused)
                self.s_offset.append(bounds[part + 1])
                self.s_play.append(play)
                total += 1
                moment = stopped + rng.randrange(300, 3 * DAY)
            if len(self.s_play) and self.s_play[-1] == play:
                decision = rng.choices((0, 1, 2), (3, 1, 2) if source == 0 else (6, 2, 2))[0]
                self.p_user.append(user)
                self.p_dev.append(device)
                self.p_item.append(item)
                self.p_combo.append(source * 3 + decision)
                self.p_quality.append(0 if decision < 2 else rng.randrange(1, len(_QUALITY)))
