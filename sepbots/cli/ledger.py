"""``sepbots runs list|show`` and ``sepbots items list|retry|handled``: the run and item ledger."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.exceptions import QueueError
from sepbots.i18n import Catalog, moment, number
from sepbots.store.schema import item_attempts, runs, work_items
from sepbots.workitems.models import ItemState

T = Catalog({
    "run": ("Kørsel", "Run"), "bot": ("Robot", "Bot"), "trigger": ("Udløser", "Trigger"),
    "status": ("Status", "Status"), "started": ("Startet", "Started"), "ended": ("Sluttet", "Ended"),
    "done": ("Udført", "Done"), "business": ("Manuel", "Manual"), "failed": ("Fejlet", "Failed"),
    "retried": ("Gentaget", "Retried"), "id": ("Id", "Id"), "ref": ("Reference", "Reference"),
    "state": ("Tilstand", "State"), "attempts": ("Forsøg", "Attempts"), "code": ("Kode", "Code"),
    "message": ("Besked", "Message"), "duration": ("Tid (ms)", "Time (ms)"), "queue": ("Kø", "Queue"),
    "no_run": ("Ingen kørsel med id {id}", "No run with id {id}"),
    "retried_ok": ("Element {id} er sendt tilbage i køen", "Item {id} was sent back to the queue"),
    "handled_ok": ("Element {id} er markeret som behandlet", "Item {id} was marked as handled"),
    "outcome": ("Udfald", "Outcome"), "attempt": ("Forsøg", "Attempt"), "test_run": ("test", "test"),
})
runs_app = typer.Typer(help="Kørsler / runs.", no_args_is_help=True)
items_app = typer.Typer(help="Arbejdselementer / work items.", no_args_is_help=True)


@runs_app.command("list")
def runs_list(
    ctx: typer.Context,
    bot: Annotated[str | None, typer.Option(help="only this bot")] = None,
    status: Annotated[str | None, typer.Option(help="running, completed, failed or stopped")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
) -> None:
    """De seneste kørsler / the latest runs."""
    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env()
        q = select(runs).order_by(runs.c.started_at.desc()).limit(limit)
        if bot:
            q = q.where(runs.c.bot == bot)
        if status:
            q = q.where(runs.c.status == status)
        with env.store.engine.connect() as conn:
            rows = conn.execute(q).all()
    table = Table(*(T(lang, k) for k in ("run", "bot", "trigger", "status", "started", "done", "business", "failed")))
    for r in rows:
        trigger = f"{r.trigger} · {T(lang, 'test_run')}" if r.test_mode else r.trigger
        table.add_row(r.id[:8], r.bot, trigger, r.status, moment(r.started_at, lang), number(r.done, lang),
                      number(r.business, lang), number(r.failed + r.abandoned, lang))
    Console(width=160).print(table)


@runs_app.command("show")
def runs_show(ctx: typer.Context, run_id: Annotated[str, typer.Argument(help="run id (or its first characters)")]) -> None:
    """Én kørsel med dens elementer / one run and its items."""
    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env()
        with env.store.engine.connect() as conn:
            run = conn.execute(select(runs).where(runs.c.id.startswith(run_id)).limit(2)).all()
            if len(run) != 1:
                fail(T(lang, "no_run", id=run_id))
            r = run[0]
            attempts = conn.execute(
                select(item_attempts, work_items.c.reference)
                .join(work_items, work_items.c.id == item_attempts.c.item_id)
                .where(item_attempts.c.run_id == r.id).order_by(item_attempts.c.id)
            ).all()
    head = Table(show_header=False)
    for key, value in (("run", r.id), ("bot", r.bot), ("trigger", r.trigger), ("status", r.status),
                       ("started", moment(r.started_at, lang)), ("ended", moment(r.ended_at, lang)),
                       ("done", number(r.done, lang)), ("business", number(r.business, lang)),
                       ("retried", number(r.retried, lang)), ("failed", number(r.failed + r.abandoned, lang))):
        head.add_row(T(lang, key), value)
    console = Console(width=160)
    console.print(head)
    table = Table(*(T(lang, k) for k in ("id", "ref", "attempt", "outcome", "code", "duration", "message")))
    for a in attempts:
        table.add_row(str(a.item_id), a.reference, str(a.attempt), a.outcome, a.error_code or "",
                      number(a.duration_ms, lang), (a.error_message or "")[:120])
    console.print(table)


@items_app.command("list")
def items_list(
    ctx: typer.Context,
    queue: Annotated[str | None, typer.Option(help="only this queue")] = None,
    state_: Annotated[str | None, typer.Option("--state", help="new, in_progress, done, business_exception, failed, abandoned")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
) -> None:
    """Arbejdselementer / work items (newest first)."""
    st = state(ctx)
    lang = st.language
    if state_ is not None and state_ not in {s.value for s in ItemState}:
        fail(f"--state: {state_!r}")
    with errors_to_exit():
        env = st.env()
        q = select(work_items).order_by(work_items.c.id.desc()).limit(limit)
        if queue:
            q = q.where(work_items.c.queue == queue)
        if state_:
            q = q.where(work_items.c.state == state_)
        with env.store.engine.connect() as conn:
            rows = conn.execute(q).all()
    table = Table(*(T(lang, k) for k in ("id", "queue", "ref", "state", "attempts", "code", "message")))
    for r in rows:
        table.add_row(str(r.id), r.queue, r.reference, r.state, str(r.attempts), r.error_code or "",
                      (r.error_message or "")[:100])
    Console(width=160).print(table)


@items_app.command("retry")
def items_retry(ctx: typer.Context, item_id: int, note: Annotated[str, typer.Option(help="why")] = "") -> None:
    """Send et fejlet element tilbage i køen / send a failed item back to the queue."""
    st = state(ctx)
    with errors_to_exit():
        env = st.env()
        try:
            env.queues.retry(item_id, actor=st.actor, note=note)
        except QueueError as exc:
            fail(str(exc))
    typer.echo(T(st.language, "retried_ok", id=item_id))


@items_app.command("handled")
def items_handled(ctx: typer.Context, item_id: int, note: Annotated[str, typer.Option(help="what was done")]) -> None:
    """Marker et element som manuelt behandlet / mark an item as handled by a person."""
    st = state(ctx)
    with errors_to_exit():
        env = st.env()
        try:
            env.queues.mark_handled(item_id, actor=st.actor, note=note)
        except QueueError as exc:
            fail(str(exc))
    typer.echo(T(st.language, "handled_ok", id=item_id))


def register(app: typer.Typer) -> None:
    from sepbots.cli.handling import add_handling_commands

    add_handling_commands(items_app)
    app.add_typer(runs_app, name="runs")
    app.add_typer(items_app, name="items")
