"""``sepbots audit``: verify the chain (exit 0 intact, 1 not intact), write checkpoints to keep elsewhere, and
answer an access request (GDPR art. 15, ``audit lookups --cpr``) through the keyed tokens."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import make_url

from sepbots.audit import Verification
from sepbots.audit_seal import read_checkpoint, write_checkpoint
from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.dk.cpr import CPR_IN_TEXT, cpr_digits_of
from sepbots.exceptions import SepbotsError
from sepbots.i18n import Catalog, moment, number
from sepbots.lookups import SubjectReport, look_up

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


def _no_installation(st: Any) -> bool:
    """No key anywhere, or a SQLite database file that does not exist: this home was never set up."""
    settings = st.settings
    if not st.environ.get("SEPBOTS_KEY") and not settings.key_file.exists():
        return True
    url = make_url(settings.database_url)
    return url.get_backend_name() == "sqlite" and bool(url.database) and not Path(str(url.database)).exists()


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
    if _no_installation(st):  # nothing to verify here: a setup error (exit 2), as for every other command
        with errors_to_exit():
            st.env(create=False)
    try:
        env = st.env(create=False)
    except SepbotsError as exc:  # an empty, replaced or unreadable database is not an intact trail
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


# -- sepbots audit lookups --cpr: access requests (GDPR art. 15) ------------------------------------

L = Catalog({
    "prompt": ("CPR-nummer (vises ikke)", "CPR number (not shown)"),
    "not_cpr": ("Det indtastede er ikke et CPR-nummer: skriv DDMMÅÅ-SSSS med en gyldig fødselsdato.",
                "That is not a CPR number: write DDMMYY-SSSS with a valid birth date."),
    "no_cpr_flag": ("Angiv --cpr; nummeret læses fra en prompt eller standard input, aldrig fra kommandolinjen.",
                    "Give --cpr; the number is read from a prompt or standard input, never from the command line."),
    "head": ("Opslag for {token} (nummeret gemmes ikke; opslaget er skrevet i revisionssporet)",
             "Lookup for {token} (the number is not stored; the lookup is written to the audit trail)"),
    "nothing": ("Intet fundet om personen.", "Nothing found about the person."),
    "runs": ("Kørsler ({n}):", "Runs ({n}):"),
    "items": ("Emner ({n}):", "Items ({n}):"),
    "robots": ("Robotter: {names}", "Robots: {names}"),
    "operators": ("Operatører ({n}):", "Operators ({n}):"),
    "found_in": ("fundet i", "found in"),
    "logins": ("Mislykkede dashboard-logins med nummeret som brugernavn: {n}",
               "Failed dashboard logins with the number as user name: {n}"),
})


def _read_cpr(lang: str) -> str | None:
    """The number from a hidden prompt (terminal) or the first line of standard input; its 10 digits."""
    stdin = sys.stdin
    text = typer.prompt(L(lang, "prompt"), hide_input=True, err=True) if stdin.isatty() else stdin.readline()
    match = CPR_IN_TEXT.fullmatch(text.strip())
    return cpr_digits_of(match) if match else None


def _print_report(report: SubjectReport, lang: str) -> None:
    typer.echo(L(lang, "head", token=report.token))
    if not (report.items or report.runs or report.failed_logins):
        typer.echo(L(lang, "nothing"))
        return
    where = L(lang, "found_in")
    typer.echo(L(lang, "runs", n=len(report.runs)))
    for r in report.runs:
        found = f"  ({where}: {', '.join(_text(f) for f in r.found_in)})" if r.found_in else ""
        typer.echo(f"  {r.id}  {r.bot}  {r.trigger}  {moment(r.started_at, lang)}{found}")
    typer.echo(L(lang, "items", n=len(report.items)))
    for i in report.items:
        typer.echo(f"  #{i.id}  {i.queue}  {i.reference}  {i.state}  ({where}: "
                   f"{', '.join(_text(f) for f in i.found_in)})")
    typer.echo(L(lang, "robots", names=", ".join(report.robots) or "–"))
    typer.echo(L(lang, "operators", n=len(report.operators)))
    for o in report.operators:
        typer.echo(f"  {o.actor}  {o.event}  #{o.item_id}  {moment(o.ts, lang)}")
    if report.failed_logins:
        typer.echo(L(lang, "logins", n=report.failed_logins))


def _text(value: Any) -> str:
    """An enum's value, or the text itself."""
    return str(getattr(value, "value", value))


@audit_app.command("lookups")
def lookups(
    ctx: typer.Context,
    cpr: bool = typer.Option(False, "--cpr", help="Læs et CPR-nummer fra prompt/stdin / read a CPR number "
                                                 "from a prompt or stdin."),
    fmt: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Hvem har behandlet en person (indsigtsret, GDPR art. 15) / who handled a person (access requests)."""
    st = state(ctx)
    lang = st.language
    if not cpr or fmt not in ("text", "json"):
        typer.echo(L(lang, "no_cpr_flag") if not cpr else "--format: text | json", err=True)
        raise typer.Exit(2)
    digits = _read_cpr(lang)
    if digits is None:
        typer.echo(L(lang, "not_cpr"), err=True)
        raise typer.Exit(2)
    with errors_to_exit():
        report = look_up(st.env(), digits, actor=st.actor)
    if fmt == "json":
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, lang)
