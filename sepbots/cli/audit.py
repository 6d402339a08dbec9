"""``sepbots audit``: verify the chain (exit 0 intact, 1 not intact) and write checkpoints to keep elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sepbots.audit import Verification
from sepbots.audit_seal import read_checkpoint, write_checkpoint
from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.exceptions import SepbotsError
from sepbots.i18n import Catalog, moment, number

T = Catalog({
    "ok": ("Revisionssporet er intakt: {rows} rækker kontrolleret.", "The audit trail is intact: {rows} rows checked."),
    "ok_from": ("Revisionssporet er intakt: {rows} nye rækker kontrolleret (fra række {start}).",
                "The audit trail is intact: {rows} new rows checked (from row {start})."),
    "broken": ("Revisionssporet er brudt ved række {seq}: {reason}", "The audit trail is broken at row {seq}: {reason}"),
    "failed": ("Revisionssporet kan ikke bekræftes: {reason}", "The audit trail cannot be confirmed: {reason}"),
    "open": ("Revisionssporet kan ikke kontrolleres: {reason}", "The audit trail cannot be verified: {reason}"),
    "checkpoint_ok": ("Kontrolpunktet (række {seq}, {at}) findes stadig i kæden.",
                      "The checkpoint (row {seq}, {at}) is still in the chain."),
    "written": ("Kontrolpunkt skrevet: række {seq} → {path}. Opbevar det et andet sted end databasen.",
                "Checkpoint written: row {seq} → {path}. Keep it somewhere other than the database."),
})
audit_app = typer.Typer(help="Revisionsspor / audit trail.", no_args_is_help=True)


def _report(result: Verification, lang: str) -> None:
    if result.broken_seq is None:
        typer.echo(T(lang, "failed", reason=result.message(lang)), err=True)
    else:
        typer.echo(T(lang, "broken", seq=result.broken_seq, reason=result.message(lang)), err=True)
    raise typer.Exit(1)


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    incremental: Annotated[bool, typer.Option(
        "--incremental", help="Kun rækker tilføjet siden sidste kontrol / only rows added since the last verify")] = False,
    checkpoint: Annotated[Path | None, typer.Option(
        "--checkpoint", help="Kontrolpunktfil, kæden skal indeholde / a checkpoint file the chain must still contain")] = None,
) -> None:
    """Kontrollér hash-kæden / verify the hash chain."""
    st = state(ctx)
    lang = st.language
    point = None
    if checkpoint is not None:
        with errors_to_exit():
            point = read_checkpoint(checkpoint)
    try:
        env = st.env(create=False)
    except SepbotsError as exc:  # a missing, empty, replaced or unreadable database is not an intact trail
        typer.echo(T(lang, "open", reason=str(exc)), err=True)
        raise typer.Exit(1) from None
    result = env.audit.verify(incremental=incremental)
    if not result.ok:
        _report(result, lang)
    if point is not None:
        contained = env.audit.verify_checkpoint(point)
        if contained is not None:
            _report(contained, lang)
        typer.echo(T(lang, "checkpoint_ok", seq=point.seq, at=moment(point.at, lang)))
    if result.from_seq > 1:
        typer.echo(T(lang, "ok_from", rows=number(result.rows, lang), start=result.from_seq))
    else:
        typer.echo(T(lang, "ok", rows=number(result.rows, lang)))


@audit_app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Fil at skrive / file to write (default: print)")] = None,
) -> None:
    """Skriv et kontrolpunkt (seq, hash, MAC, tid) at gemme uden for databasen / write a checkpoint to keep elsewhere."""
    st = state(ctx)
    with errors_to_exit():
        point = st.env(create=False).audit.checkpoint()
        if output is None:
            typer.echo(point.model_dump_json(indent=2))
            return
        try:
            write_checkpoint(point, output)
        except OSError as exc:
            fail(f"{output}: {exc.strerror}")
    typer.echo(T(st.language, "written", seq=point.seq, path=output))


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
