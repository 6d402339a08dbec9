"""The practice case system's command (`sepbots practice desktop`, `python -m sepbots.practice.desktop`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sepbots.practice.running import practice_language


def desktop(
    ctx: typer.Context,
    db: Annotated[Path, typer.Option("--db", help="SQLite-fil til journalen / SQLite file for the journal")] = Path("practice-journal.db"),
    delay_ms: Annotated[int, typer.Option("--delay-ms", min=0, help="ms pr. gemning / ms per save")] = 0,
    slow_every_n: Annotated[
        int,
        typer.Option(
            "--slow-every-n",
            min=0,
            help="kun hver n'te gemning er langsom (0 = alle) / only every n-th save is slow (0 = all)",
        ),
    ] = 0,
    startup_delay_ms: Annotated[
        int,
        typer.Option("--startup-delay-ms", min=0, help="ms før vinduet vises / ms before the window appears"),
    ] = 0,
    lang: Annotated[str | None, typer.Option("--lang", help="da eller en (standard: sepbots --lang) / da or en")] = None,
) -> None:
    """Start øvelses-sagssystemet (journalisering) / start the practice case system (journalising)."""
    lang = practice_language(ctx, lang)
    from sepbots.practice.desktop.app import Slowness, run_app
    from sepbots.practice.desktop.records import JournalStore

    run_app(
        JournalStore(db),
        slowness=Slowness(delay_ms=delay_ms, slow_every_n=slow_every_n, startup_delay_ms=startup_delay_ms),
        lang=lang,
    )
