"""``sepbots init``: create the installation (database, migrations, key, folders), owner-only.

The only command that creates anything; running it again on an existing installation applies
missing migrations and changes nothing else.
"""

from __future__ import annotations

import typer

from sepbots.cli.state import errors_to_exit, state
from sepbots.i18n import Catalog
from sepbots.installation import initialise

T = Catalog({
    "database_new": ("Database oprettet: {db}", "Database created: {db}"),
    "database_kept": ("Database fundet og opdateret: {db}", "Database found and up to date: {db}"),
    "key_new": (
        "Nøgle oprettet: {file} (kun ejeren kan læse den; tag en sikkerhedskopi et andet sted)",
        "Key created: {file} (owner-only; keep a backup elsewhere)",
    ),
    "key_kept": ("Nøgle fundet: {file}", "Key found: {file}"),
    "key_env": ("Nøglen kommer fra SEPBOTS_KEY", "The key comes from SEPBOTS_KEY"),
    "ready": ("Installationen i {home} er klar.", "The installation in {home} is ready."),
})


def register(app: typer.Typer) -> None:
    """Add ``sepbots init`` to the root command."""

    @app.command("init")
    def init(ctx: typer.Context) -> None:
        """Opret installationen: database, nøgle og mapper / create the installation (idempotent)."""
        st = state(ctx)
        lang = st.language
        with errors_to_exit():
            done = initialise(st.settings, environ=st.environ)
            db = done.env.store.describe()
            done.env.close()
        settings = st.settings
        typer.echo(T(lang, "database_new" if done.database_created else "database_kept", db=db))
        if done.key_from_environment:
            typer.echo(T(lang, "key_env"))
        else:
            typer.echo(T(lang, "key_new" if done.key_created else "key_kept", file=settings.key_file))
        typer.echo(T(lang, "ready", home=settings.home))
