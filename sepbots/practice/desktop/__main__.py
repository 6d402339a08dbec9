"""``python -m sepbots.practice.desktop --db journal.db [--delay-ms N] [--slow-every-n N] [--lang en]``."""

from __future__ import annotations

import typer

from sepbots.practice.desktop.command import desktop

if __name__ == "__main__":
    typer.run(desktop)
