"""``sepbots runs list|show`` and ``sepbots items list|retry|handled``: the run and item ledger.

Heavy modules (SQLAlchemy, the schema) are imported inside the commands, so ``sepbots --help``
stays fast. States, statuses and triggers are shown with their Danish (or English) words; JSON
(``--format json``) keeps the raw values and full names for scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.cli.tables import Format, FormatOption, print_json, print_table
from sepbots.i18n import Catalog, label, moment, number
from sepbots.workitems.run_listing import REQUEST_FIELDS, RUN_FIELDS

if TYPE_CHECKING:
    from sepbots.workitems.queue import WorkQueues

T = Catalog({
    "run": ("Kørsel", "Run"), "bot": ("Robot", "Bot"), "trigger": ("Udløser", "Trigger"),
    "status": ("Status", "Status"), "started": ("Startet", "Started"), "ended": ("Sluttet", "Ended"),
    "done": ("Udført", "Done"), "business": ("Manuel", "Manual"), "failed": ("Fejlet", "Failed"),
    "retried": ("Gentaget", "Retried"), "id": ("Id", "Id"), "ref": ("Reference", "Reference"),
    "state": ("Tilstand nu", "State now"), "attempts": ("Forsøg", "Attempts"), "code": ("Kode", "Code"),
    "message": ("Besked", "Message"), "duration": ("Tid (ms)", "Time (ms)"), "queue": ("Kø", "Queue"),
    "items": ("Elementer", "Items"), "reason": ("Årsag", "Reason"),
    "no_run": ("Ingen kørsel med id {id}", "No run with id {id}"),
    "retried_ok": ("Element {id} er sendt tilbage i køen", "Item {id} was sent back to the queue"),
    "handled_ok": ("Element {id} er markeret som behandlet", "Item {id} was marked as handled"),
    "outcome": ("Udfald i kørslen", "Outcome in this run"), "run_attempts": ("Kørslens forsøg", "This run's attempts"),
    "item_state": ("Tilstand", "State"),
    "requests": ("Anmodninger uden kørsel (afvist eller fejlet)", "Requests without a run (refused or failed)"),
    "request": ("Anmodning", "Request"), "when": ("Tidspunkt", "When"),
    "test_run": ("test", "test"),
})
runs_app = typer.Typer(help="Kørsler / runs.", no_args_is_help=True)
items_app = typer.Typer(help="Arbejdselementer / work items.", no_args_is_help=True)


def _trigger_label(lang: str, r: Any) -> str:
    """The trigger as a person reads it, marked when the run was a test run (past the legal gate)."""
    trigger = label(lang, "trigger", r.trigger)
    return f"{trigger} · {T(lang, 'test_run')}" if r.test_mode else trigger


def _run_record(r: Any) -> dict[str, Any]:
    return {f: getattr(r, f) for f in RUN_FIELDS}


@runs_app.command("list")
def runs_list(
    ctx: typer.Context,
    bot: Annotated[str | None, typer.Option(help="only this bot")] = None,
    status: Annotated[str | None, typer.Option(help="running, completed, failed, stopped or refused")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """De seneste kørsler, også afviste / the latest runs, refused ones too."""
    from sepbots.workitems import run_listing

    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        rows, requests = st.read(lambda source: (
            run_listing.latest_runs(source, bot=bot, status=status, limit=limit),
            [] if status else run_listing.requests_without_run(source, limit, bot=bot),
        ))
    if fmt is Format.JSON:
        print_json({"runs": [_run_record(r) for r in rows],
                    "failed_requests": [{f: getattr(r, f) for f in REQUEST_FIELDS} for r in requests]})
        return
    print_table(
        [T(lang, k) for k in ("run", "bot", "trigger", "status", "started", "done", "business", "failed", "reason")],
        ([r.id[:8], r.bot, _trigger_label(lang, r), label(lang, "status", r.status),
          moment(r.started_at, lang), number(r.done, lang), number(r.business, lang),
          number(r.failed + r.abandoned, lang), r.error or ""] for r in rows),
        numeric=(5, 6, 7),
    )
    if requests:
        print_requests(requests, lang, T(lang, "requests"))


def print_requests(requests: list[Any], lang: str, title: str) -> None:
    """Run requests as a table: id, bot, trigger, state, when it ended (or was made) and why."""
    print_table(
        [T(lang, k) for k in ("request", "bot", "trigger", "status", "when", "reason")],
        ([str(r.id), r.bot, label(lang, "trigger", r.trigger), label(lang, "request", r.state),
          moment(r.ended_at or r.created_at, lang), r.error or ""] for r in requests),
        title=title,
    )


@runs_app.command("show")
def runs_show(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="run id (or its first characters)")],
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Én kørsel med hvert element den rørte og hvert forsøg / one run, every item it touched, every attempt."""
    from sepbots.workitems import runs
    from sepbots.workitems.items import run_items, run_outcome_counts

    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        store = st.store()
        with store.engine.connect() as conn:
            found = runs.by_id_prefix(conn, run_id)
            if len(found) != 1:
                fail(T(lang, "no_run", id=run_id))
            r = found[0]
            counts = run_outcome_counts(conn, r.id)
            items = run_items(conn, r.id, limit=100_000)
    if fmt is Format.JSON:
        print_json({**_run_record(r), "items_by_outcome": {k.value: v for k, v in counts.items()},
                    "items": [{"id": i.id, "reference": i.reference, "outcome": i.outcome, "state": i.state,
                               "attempts": [{"attempt": a.attempt, "outcome": a.outcome, "error_code": a.error_code,
                                             "duration_ms": a.duration_ms, "ended_at": a.ended_at}
                                            for a in i.run_attempts],
                               "error_code": i.error_code, "error_message": i.error_message} for i in items]})
        return
    facts = [("run", r.id), ("bot", r.bot), ("trigger", label(lang, "trigger", r.trigger)),
             ("status", label(lang, "status", r.status)), ("started", moment(r.started_at, lang)),
             ("ended", moment(r.ended_at, lang)), ("items", number(sum(counts.values()), lang)),
             ("done", number(r.done, lang)), ("business", number(r.business, lang)),
             ("retried", number(r.retried, lang)), ("failed", number(r.failed + r.abandoned, lang))]
    if r.error:
        facts.append(("reason", r.error))
    print_table(["", ""], ([T(lang, k), v] for k, v in facts), header=False)
    print_table(
        [T(lang, k) for k in ("id", "ref", "outcome", "run_attempts", "state", "code", "message")],
        ([str(i.id), i.reference, label(lang, "state", i.outcome),
          ", ".join(f"{a.attempt}: {label(lang, 'state', a.outcome)}" + (f" ({a.error_code})" if a.error_code else "")
                    for a in i.run_attempts) or "–",
          label(lang, "state", i.state), i.error_code or "", i.error_message or ""] for i in items),
    )


@items_app.command("list")
def items_list(
    ctx: typer.Context,
    queue: Annotated[str | None, typer.Option(help="only this queue")] = None,
    state_: Annotated[str | None, typer.Option("--state", help="new, in_progress, done, business_exception, failed, abandoned")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Arbejdselementer / work items (newest first)."""
    from sepbots.workitems import items
    from sepbots.workitems.models import ItemState

    st = state(ctx)
    lang = st.language
    if state_ is not None and state_ not in {s.value for s in ItemState}:
        fail(f"--state: {state_!r} ({', '.join(s.value for s in ItemState)})")
    fields = ("id", "queue", "reference", "state", "attempts", "max_attempts", "error_code", "error_message",
              "created_at", "finished_at", "run_id", "handled_by", "handled_at")
    with errors_to_exit():
        store = st.store()
        with store.engine.connect() as conn:
            rows = items.listing(conn, queue=queue or None, states=[state_] if state_ else None, fields=fields,
                                 limit=limit)
    if fmt is Format.JSON:
        print_json([{f: getattr(r, f) for f in fields} for r in rows])
        return
    print_table(
        [T(lang, k) for k in ("id", "queue", "ref", "item_state", "attempts", "code", "message")],
        ([str(r.id), r.queue, r.reference, label(lang, "state", r.state), str(r.attempts), r.error_code or "",
          r.error_message or ""] for r in rows),
        numeric=(0, 4),
    )


@items_app.command("retry")
def items_retry(ctx: typer.Context, item_id: int, note: Annotated[str, typer.Option(help="why")] = "") -> None:
    """Send et fejlet element tilbage i køen / send a failed item back to the queue."""
    _on_item(ctx, item_id, "retried_ok", lambda queues, actor: queues.retry(item_id, actor=actor, note=note))


@items_app.command("handled")
def items_handled(ctx: typer.Context, item_id: int, note: Annotated[str, typer.Option(help="what was done")]) -> None:
    """Marker et element som manuelt behandlet / mark an item as handled by a person."""
    _on_item(ctx, item_id, "handled_ok", lambda queues, actor: queues.mark_handled(item_id, actor=actor, note=note))


def _on_item(ctx: typer.Context, item_id: int, done: str, act: Callable[[WorkQueues, str], object]) -> None:
    """``act(queues, actor)`` on one item, then the ``done`` message; a queue error ends the command."""
    from sepbots.exceptions import QueueError

    st = state(ctx)
    with errors_to_exit():
        queues = st.env().queues
        try:
            act(queues, st.actor)
        except QueueError as exc:
            fail(str(exc))
    typer.echo(T(st.language, done, id=item_id))


def register(app: typer.Typer) -> None:
    from sepbots.cli.handling import add_handling_commands

    add_handling_commands(items_app)
    app.add_typer(runs_app, name="runs")
    app.add_typer(items_app, name="items")
