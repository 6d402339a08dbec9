"""``sepbots audit verify``: check the audit chain (exit 0 intact, 1 broken)."""

from __future__ import annotations

import typer

from sepbots.cli.state import errors_to_exit, state
from sepbots.i18n import Catalog, number

T = Catalog({
    "ok": ("Revisionssporet er intakt: {rows} rækker kontrolleret.", "The audit trail is intact: {rows} rows checked."),
    "broken": ("Revisionssporet er brudt ved række {seq}: {reason}", "The audit trail is broken at row {seq}: {reason}"),
})
audit_app = typer.Typer(help="Revisionsspor / audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Kontrollér hash-kæden / verify the hash chain."""
    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        result = st.env().audit.verify()
    if result.ok:
        typer.echo(T(lang, "ok", rows=number(result.rows, lang)))
        return
    typer.echo(T(lang, "broken", seq=result.broken_seq, reason=result.reason), err=True)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
