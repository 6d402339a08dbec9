"""``sepbots credentials set|list|delete NAME``: the value is read from a prompt or stdin, never argv."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.i18n import Catalog, moment

T = Catalog({
    "saved": ("Loginoplysningen {name} er gemt (krypteret).", "Credential {name} saved (encrypted)."),
    "deleted": ("Loginoplysningen {name} er slettet.", "Credential {name} deleted."),
    "prompt": ("Adgangskode/hemmelighed for {name}", "Password/secret for {name}"),
    "empty": ("Ingen værdi modtaget på stdin.", "No value received on stdin."),
    "name": ("Navn", "Name"), "user": ("Brugernavn", "Username"), "updated": ("Opdateret", "Updated"),
    "none": ("Ingen loginoplysninger gemt.", "No credentials stored."),
})
cred_app = typer.Typer(help="Loginoplysninger i den krypterede boks / credentials in the encrypted vault.",
                       no_args_is_help=True)



@cred_app.command("set")
def set_(
    ctx: typer.Context,
    name: str,
    username: Annotated[str | None, typer.Option(help="the user name that goes with the secret")] = None,
    stdin: Annotated[bool, typer.Option("--stdin", help="read the secret from standard input")] = False,
) -> None:
    """Gem en loginoplysning / store a credential (the secret is prompted for, or read with --stdin)."""
    st = state(ctx)
    lang = st.language
    if stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
        if not secret:
            fail(T(lang, "empty"))
    else:
        secret = typer.prompt(T(lang, "prompt", name=name), hide_input=True, confirmation_prompt=True)
    with errors_to_exit():
        st.env().vault.set(name, secret, username=username, actor=st.actor)
    typer.echo(T(lang, "saved", name=name))


@cred_app.command("list")
def list_(ctx: typer.Context) -> None:
    """Vis navnene (aldrig værdierne) / list names (never values)."""
    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        infos = st.env().vault.list()
    if not infos:
        typer.echo(T(lang, "none"))
        return
    table = Table(T(lang, "name"), T(lang, "user"), T(lang, "updated"))
    for i in infos:
        table.add_row(i.name, i.username or "–", moment(i.updated_at, lang))
    Console().print(table)


@cred_app.command("delete")
def delete(ctx: typer.Context, name: str) -> None:
    """Slet en loginoplysning / delete a credential."""
    st = state(ctx)
    with errors_to_exit():
        st.env().vault.delete(name, actor=st.actor)
    typer.echo(T(st.language, "deleted", name=name))


def register(app: typer.Typer) -> None:
    app.add_typer(cred_app, name="credentials")
