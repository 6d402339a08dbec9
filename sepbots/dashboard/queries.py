"""Read queries behind the pages; each is bounded by an index and a LIMIT, so pages stay fast at 1M items.

No page counts a whole large table: counts are over index ranges (today's runs, items waiting for a
person) and the audit total comes from the chain head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from sepbots.clock import COPENHAGEN, local
from sepbots.dashboard.actions import WAITING_STATES
from sepbots.workitems import items as item_ledger
from sepbots.workitems import run_listing
from sepbots.workitems import runs as run_ledger
from sepbots.workitems.items import RunItem, RunOutcome, run_items, run_outcome_counts

RUNS_PAGE = 50
ITEMS_PAGE = 100
QUEUE_PAGE = 50


@dataclass(frozen=True)
class Paging:
    """One page of a listing: ``page`` (1-based, clamped to 1..pages), ``pages`` (at least 1) and the row offset."""

    page: int
    pages: int
    offset: int


def paging(total: int, page: int, size: int) -> Paging:
    """Which page of ``total`` rows, ``size`` a page, to show when page ``page`` is asked for."""
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    return Paging(page=page, pages=pages, offset=(page - 1) * size)


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in Copenhagen."""
    return datetime.combine(day, time(0), tzinfo=COPENHAGEN).astimezone(UTC)


@dataclass(frozen=True)
class Overview:
    """The numbers on the front page."""

    runs_today: list[Any]
    runs_today_by_status: dict[str, int]
    items_failed_today: int
    waiting: int
    month_done: int
    month_work_ms: int
    month_start: date


def overview(conn: Connection, now: datetime) -> Overview:
    """Today's runs and failures, the manual-handling backlog and this month's throughput."""
    today = local(now).date()
    start = local_midnight(today)
    month_start = today.replace(day=1)
    month_done, month_work_ms = run_ledger.totals_since(conn, local_midnight(month_start))
    return Overview(
        runs_today=run_ledger.started_since(conn, start, limit=20),
        runs_today_by_status=dict(run_ledger.status_counts_since(conn, start)),
        items_failed_today=item_ledger.count_ended_badly_since(conn, start),
        waiting=item_ledger.count_waiting(conn, item_ledger.Waiting(WAITING_STATES)),
        month_done=month_done,
        month_work_ms=month_work_ms,
        month_start=month_start,
    )


@dataclass(frozen=True)
class RunFilter:
    """The runs page's filters (dates are local calendar days, inclusive)."""

    bot: str | None = None
    status: str | None = None
    day_from: date | None = None
    day_to: date | None = None
    page: int = 1


@dataclass(frozen=True)
class RunsPage:
    rows: list[Any]
    total: int
    page: int
    pages: int
    bots: list[str] = field(default_factory=list)
    failed_requests: list[Any] = field(default_factory=list)


def runs_page(conn: Connection, flt: RunFilter) -> RunsPage:
    """Runs matching ``flt``, newest first, ``RUNS_PAGE`` per page."""
    filters: dict[str, Any] = {
        "bot": flt.bot, "status": flt.status,
        "since": local_midnight(flt.day_from) if flt.day_from else None,
        "until": local_midnight(flt.day_to + timedelta(days=1)) if flt.day_to else None,
    }
    total = run_ledger.count_matching(conn, **filters)
    at = paging(total, flt.page, RUNS_PAGE)
    rows = run_ledger.matching(conn, **filters, limit=RUNS_PAGE, offset=at.offset)
    bots = run_ledger.bots(conn)
    problems = run_listing.requests_without_run(conn) if at.page == 1 and not flt.status else []
    return RunsPage(rows=rows, total=total, page=at.page, pages=at.pages, bots=bots, failed_requests=problems)


@dataclass(frozen=True)
class RunDetail:
    run: Any
    states: dict[str, int]  # items per outcome in this run (see ``sepbots.workitems.items``)
    items: list[RunItem]
    page: int
    pages: int


def run_detail(conn: Connection, run_id: str, page: int = 1, state: str | None = None) -> RunDetail | None:
    """A run with its items per outcome and one page of every item it produced or attempted, with its attempts."""
    run = run_ledger.get(conn, run_id)
    if run is None:
        return None
    counts = run_outcome_counts(conn, run_id)
    outcome = RunOutcome(state) if state in {o.value for o in RunOutcome} else None
    total = sum(counts.values()) if outcome is None else counts.get(outcome, 0)
    at = paging(total, page, ITEMS_PAGE)
    items = run_items(conn, run_id, outcome=outcome, limit=ITEMS_PAGE, offset=at.offset)
    return RunDetail(run=run, states={o.value: n for o, n in counts.items()}, items=items, page=at.page, pages=at.pages)


@dataclass(frozen=True)
class ItemDetail:
    item: Any
    run: Any | None
    attempts: list[Any]


def item_detail(conn: Connection, item_id: int) -> ItemDetail | None:
    """One work item (without its payload, which may hold personal data), its run and its attempts."""
    item = item_ledger.get(conn, item_id, payload=False)
    if item is None:
        return None
    run = run_ledger.get(conn, item.run_id) if item.run_id else None
    return ItemDetail(item=item, run=run, attempts=item_ledger.history(conn, item_id))


@dataclass(frozen=True)
class QueueFilter:
    """The manual-handling queue's filters: robot, process, reason code, state, and minimum age in days."""

    bot: str | None = None
    process: str | None = None
    code: str | None = None
    state: str | None = None
    min_age_days: int | None = None
    page: int = 1


@dataclass(frozen=True)
class QueuePage:
    rows: list[Any]
    total: int
    page: int
    pages: int
    bots: list[str] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def manual_queue(conn: Connection, flt: QueueFilter, now: datetime) -> QueuePage:
    """Items waiting for a person (final error state, not yet handled), most recent first, filtered."""
    waiting = item_ledger.Waiting(
        WAITING_STATES, state=flt.state, bot=flt.bot, process=flt.process, code=flt.code,
        finished_by=now - timedelta(days=flt.min_age_days) if flt.min_age_days else None)
    total = item_ledger.count_waiting(conn, waiting)
    at = paging(total, flt.page, QUEUE_PAGE)
    rows = item_ledger.waiting_page(conn, waiting, limit=QUEUE_PAGE, offset=at.offset)
    choices = item_ledger.waiting_choices(conn, item_ledger.Waiting(WAITING_STATES))
    return QueuePage(rows=rows, total=total, page=at.page, pages=at.pages,
                     bots=sorted({c.bot for c in choices if c.bot}), processes=sorted({c.process for c in choices if c.process}),
                     codes=sorted({c.error_code for c in choices if c.error_code}))
