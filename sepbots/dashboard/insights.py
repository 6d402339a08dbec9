"""Catalogue, business cases and measured gains for the dashboard, with a short-lived cache.

``sepbots.gains.compute_gains`` aggregates the item ledger (hundreds of milliseconds for a month
of a busy installation), so results are kept for ``TTL`` per period; the catalogue folder is
re-read when a file in it changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sepbots.catalogue.loader import Catalogue, catalogue_files, load_catalogue
from sepbots.catalogue.settings import GainsSettings
from sepbots.clock import local
from sepbots.environment import Environment
from sepbots.exceptions import ConfigError, SepbotsError
from sepbots.gains import GainsResult, compute_gains, credits_of

TTL_S = 600.0
T = TypeVar("T")


@dataclass(frozen=True)
class CatalogueView:
    """The catalogue, or why there is none."""

    catalogue: Catalogue | None
    folder: Path
    error: str | None = None


class Insights:
    """Catalogue and gains of one installation, cached per process (thread-safe).

    Args:
        env: the opened installation.
        ttl_s: how long a computed gains result is reused.
    """

    def __init__(self, env: Environment, ttl_s: float = TTL_S) -> None:
        self.env = env
        self.ttl_s = ttl_s
        self.settings: GainsSettings = env.settings.gains
        self.folder: Path = env.settings.catalogue_path
        self._lock = threading.Lock()
        self._cache: dict[Any, tuple[float, Any]] = {}
        self._running: set[Any] = set()

    def _cached(self, key: Any, make: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and now - hit[0] < self.ttl_s:
                return hit[1]  # type: ignore[no-any-return]  # the cache holds what make() returned for this key
        value = make()
        with self._lock:
            self._cache[key] = (now, value)
        return value

    def catalogue(self) -> CatalogueView:
        """The catalogue folder's processes (re-read when a file changes)."""
        if not self.folder.is_dir():
            return CatalogueView(None, self.folder)
        files = catalogue_files(self.folder)
        stamp = tuple((f.name, f.stat().st_mtime_ns) for f in files)
        if not files:
            return CatalogueView(None, self.folder)
        try:
            cat = self._cached(("catalogue", stamp), lambda: load_catalogue(self.folder))
        except ConfigError as exc:  # CatalogueError names the file and entry; shown on the page
            return CatalogueView(None, self.folder, error=str(exc))
        return CatalogueView(cat, self.folder)

    def forget(self) -> None:
        """Drop the cached gains, so the next page computes them afresh (the page's refresh link)."""
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if k[0] != "gains"}

    def gains(self, start: date, end: date, include_test_runs: bool = False) -> GainsResult | None:
        """Measured gains for ``[start, end]`` (local dates), or ``None`` without a catalogue."""
        view = self.catalogue()
        if view.catalogue is None:
            return None
        cat = view.catalogue
        try:
            credits = credits_of(self.env.registry)
        except SepbotsError:  # a bot folder that does not load: every bot credited the baseline
            credits = {}
        return self._cached(
            ("gains", start, end, id(cat), include_test_runs),
            lambda: compute_gains(self.env.store, cat, self.settings, start=start, end=end, now=self.env.clock.now(),
                                  include_test_runs=include_test_runs, credits=credits),
        )

    def gains_if_ready(self, start: date, end: date) -> tuple[bool, GainsResult | None]:
        """``(True, result)`` when cached (or there is no catalogue); else ``(False, None)`` and the
        result is computed in a background thread, so a page never waits for a cold aggregate."""
        view = self.catalogue()
        if view.catalogue is None:
            return True, None
        key = ("gains", start, end, id(view.catalogue), False)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.ttl_s:
                return True, hit[1]
            if key in self._running:
                return False, None
            self._running.add(key)

        def work() -> None:
            try:
                self.gains(start, end)
            finally:
                with self._lock:
                    self._running.discard(key)

        threading.Thread(target=work, name="sepbots-gains", daemon=True).start()
        return False, None

    def month_to_date(self) -> tuple[date, date]:
        """The first of this month and today, in Danish local time."""
        today = local(self.env.clock.now()).date()
        return today.replace(day=1), today

    def last_days(self, days: int) -> tuple[date, date]:
        """The ``days`` local days ending today."""
        today = local(self.env.clock.now()).date()
        return today - timedelta(days=days - 1), today
