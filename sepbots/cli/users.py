"""``sepbots users add|passwd|list|disable|enable``: dashboard accounts. Passwords come from a prompt or
stdin (``--password-stdin``), never from the command line. Every change is written to the audit trail."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer
from sqlalchemy import Connection

from sepbots.audit import AuditEvent
from sepbots.cli.state import errors_to_exit, fail, state
from sepbots.clock import Clock
from sepbots.dashboard import users as accounts
from sepbots.i18n import Catalog, formats

T = Catalog({
    "added": ("Brugeren {name} er oprettet med rollen {role}.", "User {name} created with role {role}."),
    "disabled": ("Brugeren {name} er deaktiveret.", "User {name} disabled."),
    "enabled": ("Brugeren {name} er aktiveret.", "User {name} enabled."),
    "changed": (
        "Adgangskoden for {name} er skiftet; alle brugerens sessioner er afsluttet.",
        "The password of {name} is changed; all their sessions have ended.",
    ),
    "prompt": ("Adgangskode for {name}", "Password for {name}"),
    "empty": ("Ingen adgangskode modtaget på stdin.", "No password received on stdin."),
    "none": ("Der er ingen brugere endnu.", "There are no users yet."),
    "active": ("aktiv", "active"),
    "inactive": ("deaktiveret", "disabled"),
    "header": ("Bruger|Rolle|Status|Oprettet|Sidst logget ind", "User|Role|Status|Created|Last login"),
})

users_app = typer.Typer(help="Brugere af driftsoverblikket / dashboard users.", no_args_is_help=True)


def _read_password(lang: str, username: str, from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail(T(lang, "empty"))
        return password
    return str(typer.prompt(T(lang, "prompt", name=username), hide_input=True, confirmation_prompt=True))


PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")]


def _with_password(
    ctx: typer.Context, username: str, password_stdin: bool, change: Callable[[Connection, str, Clock], tuple[accounts.User, AuditEvent]]
) -> tuple[str, accounts.User]:
    """Read a password, apply ``change(conn, password, clock)`` and audit the event it returns.

    Returns:
        the language to answer in and the user changed.
    """
    st = state(ctx)
    password = _read_password(st.language, username, password_stdin)
    with errors_to_exit():
        env = st.env()
        with env.store.begin() as conn:
            user, event = change(conn, password, env.clock)
            env.audit.append(conn, [event], env.clock.now())
    return st.language, user


@users_app.command("add")
def add(
    ctx: typer.Context,
    username: str,
    role: Annotated[accounts.Role, typer.Option("--role", help="viewer, operator or admin")] = accounts.Role.VIEWER,
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Opret en bruger / create a user (the password is prompted for, or read with --password-stdin)."""
    actor = state(ctx).actor

    def create(conn: Connection, password: str, clock: Clock) -> tuple[accounts.User, AuditEvent]:
        user = accounts.add_user(conn, username, password, role, clock)
        return user, AuditEvent("user_added", actor, details={"user": user.username, "role": user.role.value})

    lang, user = _with_password(ctx, username, password_stdin, create)
    typer.echo(T(lang, "added", name=user.username, role=user.role.value))


@users_app.command("passwd")
def passwd(ctx: typer.Context, username: str, password_stdin: PasswordStdinOpt = False) -> None:
    """Skift en brugers adgangskode (logger brugeren ud overalt) / change a password (ends every session)."""
    actor = state(ctx).actor

    def change(conn: Connection, password: str, clock: Clock) -> tuple[accounts.User, AuditEvent]:
        user = accounts.set_password(conn, username, password)
        return user, AuditEvent("user_password_changed", actor, details={"user": user.username})

    lang, user = _with_password(ctx, username, password_stdin, change)
    typer.echo(T(lang, "changed", name=user.username))


@users_app.command("list")
def list_(ctx: typer.Context) -> None:
    """Vis brugerne / list users."""
    st = state(ctx)
    lang = st.language
    with errors_to_exit():
        env = st.env()
        with env.store.engine.connect() as conn:
            found = accounts.list_users(conn)
            conn.rollback()
    if not found:
        typer.echo(T(lang, "none"))
        return
    rows = [T(lang, "header").split("|")]
    for u in found:
        status = T(lang, "active" if u.active else "inactive")
        rows.append([u.username, u.role.value, status, formats.datetime(u.created_at, lang),
                     formats.datetime(u.last_login_at, lang)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def _set_active(ctx: typer.Context, username: str, active: bool) -> None:
    st = state(ctx)
    with errors_to_exit():
        env = st.env()
        with env.store.begin() as conn:
            user = accounts.set_active(conn, username, active)
            env.audit.append(conn, [AuditEvent("user_enabled" if active else "user_disabled", st.actor,
                                               details={"user": user.username})], env.clock.now())
    typer.echo(T(st.language, "enabled" if active else "disabled", name=user.username))


@users_app.command("disable")
def disable(ctx: typer.Context, username: str) -> None:
    """Deaktivér en bruger (logger straks ud) / disable a user (ends their sessions at once)."""
    _set_active(ctx, username, False)


@users_app.command("enable")
def enable(ctx: typer.Context, username: str) -> None:
    """Aktivér en bruger igen / enable a user again."""
    _set_active(ctx, username, True)


def register(app: typer.Typer) -> None:
    """Add ``sepbots users`` to the root command."""
    app.add_typer(users_app, name="users")
