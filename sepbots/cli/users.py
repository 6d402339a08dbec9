"""``sepbots users add|list|disable|enable``: dashboard accounts. Passwords come from a prompt or
stdin (``--password-stdin``), never from the command line."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from sepbots.clock import SystemClock
from sepbots.config import Settings, load_settings
from sepbots.dashboard import users as accounts
from sepbots.dashboard.i18n import Lang, fmt_datetime
from sepbots.exceptions import SepbotsError
from sepbots.store import Store

TEXTS: dict[str, tuple[str, str]] = {
    "added": ("Brugeren {name} er oprettet med rollen {role}.", "User {name} created with role {role}."),
    "disabled": ("Brugeren {name} er deaktiveret.", "User {name} disabled."),
    "enabled": ("Brugeren {name} er aktiveret.", "User {name} enabled."),
    "prompt": ("Adgangskode for {name}", "Password for {name}"),
    "empty": ("Ingen adgangskode modtaget på stdin.", "No password received on stdin."),
    "none": ("Der er ingen brugere endnu.", "There are no users yet."),
    "active": ("aktiv", "active"),
    "inactive": ("deaktiveret", "disabled"),
    "header": ("Bruger  Rolle  Status  Oprettet  Sidst logget ind", "User  Role  Status  Created  Last login"),
}

app = typer.Typer(help="Brugere af driftsoverblikket / dashboard users.", no_args_is_help=True)


def _t(lang: Lang, key: str, **values: object) -> str:
    da, en = TEXTS[key]
    return (da if lang is Lang.DA else en).format(**values)


def context_settings(ctx: typer.Context) -> Settings:
    """The settings the root command loaded (``ctx.obj.settings``), or freshly loaded ones."""
    obj: Any = ctx.find_root().obj
    found = getattr(obj, "settings", None)
    return found if isinstance(found, Settings) else load_settings()


def _fail(message: str) -> None:
    typer.echo(f"fejl/error: {message}", err=True)
    raise typer.Exit(2)


def _open(ctx: typer.Context) -> tuple[Settings, Store, Lang]:
    try:
        settings = context_settings(ctx)
        store = Store(settings.database_url, busy_timeout_s=settings.database.busy_timeout_s)
    except SepbotsError as exc:
        _fail(str(exc))
    return settings, store, Lang(settings.language)


@app.command("add")
def add(
    ctx: typer.Context,
    username: str,
    role: Annotated[accounts.Role, typer.Option("--role", help="viewer, operator or admin")] = accounts.Role.VIEWER,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False,
) -> None:
    """Opret en bruger / create a user (the password is prompted for, or read with --password-stdin)."""
    _, store, lang = _open(ctx)
    try:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                _fail(_t(lang, "empty"))
        else:
            password = typer.prompt(_t(lang, "prompt", name=username), hide_input=True, confirmation_prompt=True)
        with store.begin() as conn:
            user = accounts.add_user(conn, username, password, role, SystemClock())
    except SepbotsError as exc:
        _fail(str(exc))
    finally:
        store.dispose()
    typer.echo(_t(lang, "added", name=user.username, role=user.role.value))


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Vis brugerne / list users."""
    _, store, lang = _open(ctx)
    try:
        with store.engine.connect() as conn:
            found = accounts.list_users(conn)
    finally:
        store.dispose()
    if not found:
        typer.echo(_t(lang, "none"))
        return
    rows = [_t(lang, "header").split("  ")]
    for u in found:
        status = _t(lang, "active" if u.active else "inactive")
        rows.append([u.username, u.role.value, status, fmt_datetime(u.created_at, lang), fmt_datetime(u.last_login_at, lang)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def _set_active(ctx: typer.Context, username: str, active: bool) -> None:
    _, store, lang = _open(ctx)
    try:
        with store.begin() as conn:
            user = accounts.set_active(conn, username, active)
    except SepbotsError as exc:
        _fail(str(exc))
    finally:
        store.dispose()
    typer.echo(_t(lang, "enabled" if active else "disabled", name=user.username))


@app.command("disable")
def disable(ctx: typer.Context, username: str) -> None:
    """Deaktivér en bruger (logger straks ud) / disable a user (ends their sessions at once)."""
    _set_active(ctx, username, False)


@app.command("enable")
def enable(ctx: typer.Context, username: str) -> None:
    """Aktivér en bruger igen / enable a user again."""
    _set_active(ctx, username, True)
