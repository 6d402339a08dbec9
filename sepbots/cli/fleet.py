"""``sepbots fleet status``: who leads the fleet, which runners hold work, which fleet-wide slots are taken."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from sepbots.cli.state import errors_to_exit, state
from sepbots.fleet.leader import current_leader
from sepbots.i18n import Catalog, moment, number
from sepbots.store.schema import fleet_slots
from sepbots.workitems import items

T = Catalog({
    "database": ("Database: {url}", "Database: {url}"),
    "leader": ("Leder af planlæggeren: {who}", "Scheduler leader: {who}"),
    "nobody": ("ingen", "nobody"),
    "runner": ("Runner", "Runner"), "items": ("Elementer i gang", "Items in progress"),
    "lease": ("Lejemål udløber", "Lease expires"),
    "no_runners": ("Ingen runner har elementer i gang.", "No runner has items in progress."),
    "slot": ("Grænse", "Limit"), "no": ("Plads", "Slot"), "owner": ("Holdes af", "Held by"),
    "expires": ("Udløber", "Expires"),
})
app = typer.Typer(help="Flåde af runnere / fleet of runners.", no_args_is_help=True)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Leder, runnere og grænser / leader, runners and limits."""
    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env()
        leader = current_leader(env.store, now=env.clock.now())
        with env.store.engine.connect() as conn:
            holders = items.leases_by_owner(conn)
            slots = conn.execute(select(fleet_slots).order_by(fleet_slots.c.name, fleet_slots.c.slot)).all()
            conn.rollback()
    console = Console(width=160)
    console.print(T(lang, "database", url=env.store.describe()))
    console.print(T(lang, "leader", who=leader or T(lang, "nobody")))
    if holders:
        table = Table(T(lang, "runner"), T(lang, "items"), T(lang, "lease"))
        for owner, count, expires in holders:
            table.add_row(owner or "–", number(count, lang), moment(expires, lang))
        console.print(table)
    else:
        console.print(T(lang, "no_runners"))
    if slots:
        table = Table(T(lang, "slot"), T(lang, "no"), T(lang, "owner"), T(lang, "expires"))
        for s in slots:
            table.add_row(s.name, str(s.slot), s.owner, moment(s.expires_at, lang))
        console.print(table)
