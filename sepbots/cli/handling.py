"""``sepbots items handle`` and ``sepbots items time``: handling and review time for the gains."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import typer

from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.clock import local
from sepbots.exceptions import QueueError, SepbotsError
from sepbots.i18n import Catalog
from sepbots.workitems.handling import ReviewKind, parse_minutes

T = Catalog({
    "handled": ("Element {id} er markeret som behandlet ({minutes} min.)",
                "Item {id} was marked as handled ({minutes} min.)"),
    "handled_unmeasured": ("Element {id} er markeret som behandlet (ingen målt tid)",
                           "Item {id} was marked as handled (no measured time)"),
    "time_ok": ("{minutes} min. ({kind}) registreret for {process} den {day}",
                "{minutes} min. ({kind}) recorded for {process} on {day}"),
})


def _minutes(text: str | None) -> Decimal | None:
    try:
        return parse_minutes(text)
    except QueueError as exc:
        fail(f"--{exc}")


def add_handling_commands(items_app: typer.Typer) -> None:
    """Add ``handle`` and ``time`` to the ``items`` command group."""

    @items_app.command("handle")
    def items_handle(
        ctx: typer.Context,
        item_id: int,
        note: Annotated[str, typer.Option(help="hvad der blev gjort / what was done")],
        minutes: Annotated[str | None, typer.Option(help="minutter brugt / minutes spent (e.g. 4 or 4,5)")] = None,
    ) -> None:
        """Marker et element som behandlet med tidsforbrug / mark an item handled with the time it took."""
        st = state(ctx)
        spent = _minutes(minutes)
        if not note.strip():
            fail("--note must not be empty")
        with errors_to_exit():
            env = st.env()
            try:
                recorded = env.queues.mark_handled(item_id, actor=st.actor, note=note.strip(), minutes=spent)
            except QueueError as exc:
                fail(str(exc))
        if recorded is None:
            typer.echo(T(st.language, "handled_unmeasured", id=item_id))
        else:
            typer.echo(T(st.language, "handled", id=item_id, minutes=recorded))

    @items_app.command("time")
    def items_time(
        ctx: typer.Context,
        process: Annotated[str, typer.Option(help="katalogets proces-id / the catalogue process key")],
        minutes: Annotated[str, typer.Option(help="minutter / minutes")],
        note: Annotated[str, typer.Option(help="hvad tiden gik til / what the time was for")],
        kind: Annotated[ReviewKind, typer.Option(help="review or operations")] = ReviewKind.REVIEW,
        day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today)")] = None,
    ) -> None:
        """Registrér kontrol- eller driftstid for en proces / record review or operations time for a process."""
        st = state(ctx)
        spent = _minutes(minutes)
        assert spent is not None
        with errors_to_exit():
            env = st.env()
            try:
                when = date.fromisoformat(day) if day else local(env.clock.now()).date()
            except ValueError:
                fail(f"--day: {day!r} is not a date (YYYY-MM-DD)")
            try:
                from sepbots.unitcounts import record_review_minutes  # the audit and store code: only when used

                record_review_minutes(env, process=process, kind=kind, minutes=spent, day=when, actor=st.actor,
                                      note=note)
            except SepbotsError as exc:
                fail(str(exc))
        typer.echo(T(st.language, "time_ok", minutes=spent, kind=kind.value, process=process, day=when.isoformat()))
