"""Read queries behind the pages; each is bounded by an index and a LIMIT, so pages stay fast at 1M items.

No page counts a whole large table: counts are over index ranges (today's runs, items waiting for a
person) and the audit total comes from the chain head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select, true

from sepbots.clock import COPENHAGEN, local
from sepbots.dashboard.actions import WAITING_STATES
from sepbots.store.schema import runs, work_items
from sepbots.workitems import items as item_ledger
from sepbots.workitems import runs as run_ledger
from sepbots.workitems.items import RunItem, RunOutcome, run_items, run_outcome_counts

RUNS_PAGE = 50
ITEMS_PAGE = 100
QUEUE_PAGE = 50


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in Copenhagen."""
    return datetime.combine(day, time(0), tzinfo=COPENHAGEN).astimezone(UTC)


def _waiting_clause() -> ColumnElement[bool]:
    return and_(work_items.c.state.in_([s.value for s in WAITING_STATES]), work_items.c.handled_at.is_(None))


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
        waiting=item_ledger.count_waiting(conn, WAITING_STATES),
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


def failed_requests(conn: Connection, limit: int = 20) -> list[Any]:
    """Refused or failed run requests for which no run was recorded, newest first."""
    from sepbots.scheduling.requests import RequestState
    from sepbots.scheduling.tables import run_requests

    return list(conn.execute(
        select(run_requests)
        .select_from(run_requests.outerjoin(runs, runs.c.id == run_requests.c.run_id))
        .where(run_requests.c.state.in_([RequestState.FAILED.value, RequestState.REFUSED.value]), runs.c.id.is_(None))
        .order_by(run_requests.c.id.desc())
        .limit(limit)
    ))


def runs_page(conn: Connection, flt: RunFilter) -> RunsPage:
    """Runs matching ``flt``, newest first, ``RUNS_PAGE`` per page."""
    cond = []
    if flt.bot:
        cond.append(runs.c.bot == flt.bot)
    if flt.status:
        cond.append(runs.c.status == flt.status)
    if flt.day_from:
        cond.append(runs.c.started_at >= local_midnight(flt.day_from))
    if flt.day_to:
        cond.append(runs.c.started_at < local_midnight(flt.day_to + timedelta(days=1)))
    where = and_(true(), *cond)
    total = int(conn.execute(select(func.count()).select_from(runs).where(where)).scalar_one())
    pages = max(1, -(-total // RUNS_PAGE))
    page = min(max(1, flt.page), pages)
    rows = list(
        conn.execute(
            select(runs).where(where).order_by(runs.c.started_at.desc()).limit(RUNS_PAGE).offset((page - 1) * RUNS_PAGE)
        )
    )
    bots = [r[0] for r in conn.execute(select(runs.c.bot).distinct().order_by(runs.c.bot))]
    problems = failed_requests(conn) if page == 1 and not flt.status else []
    return RunsPage(rows=rows, total=total, page=page, pages=pages, bots=bots, failed_requests=problems)


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
    pages = max(1, -(-total // ITEMS_PAGE))
    page = min(max(1, page), pages)
    items = run_items(conn, run_id, outcome=outcome, limit=ITEMS_PAGE, offset=(page - 1) * ITEMS_PAGE)
    return RunDetail(run=run, states={o.value: n for o, n in counts.items()}, items=items, page=page, pages=pages)


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
    joined = work_items.outerjoin(runs, runs.c.id == work_items.c.run_id)
    where = _waiting_clause()
    if flt.state:
        where = and_(where, work_items.c.state == flt.state)
    if flt.bot:
        where = and_(where, runs.c.bot == flt.bot)
    if flt.process:
        where = and_(where, runs.c.process == flt.process)
    if flt.code:
        where = and_(where, work_items.c.error_code == flt.code)
    if flt.min_age_days:
        where = and_(where, work_items.c.finished_at <= now - timedelta(days=flt.min_age_days))
    total = int(conn.execute(select(func.count()).select_from(joined).where(where)).scalar_one())
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(1, flt.page), pages)
    rows = list(
        conn.execute(
            select(
                work_items.c.id, work_items.c.queue, work_items.c.reference, work_items.c.state,
                work_items.c.attempts, work_items.c.error_code, work_items.c.error_message,
                work_items.c.finished_at, work_items.c.run_id, runs.c.bot, runs.c.process,
            )
            .select_from(joined)
            .where(where)
            .order_by(work_items.c.finished_at.desc(), work_items.c.id.desc())
            .limit(QUEUE_PAGE)
            .offset((page - 1) * QUEUE_PAGE)
        )
    )
    waiting = select(runs.c.bot, runs.c.process, work_items.c.error_code).select_from(joined).where(
        _waiting_clause()).distinct().limit(500)
    choices = conn.execute(waiting).all()
    return QueuePage(rows=rows, total=total, page=page, pages=pages,
                     bots=sorted({c.bot for c in choices if c.bot}), processes=sorted({c.process for c in choices if c.process}),
                     codes=sorted({c.error_code for c in choices if c.error_code}))
