"""``sepbots practice dar``: the practice address register (DAWA-style), until Ctrl+C."""

from __future__ import annotations

from typing import Annotated

import typer

from sepbots.practice.dar import DarConfig, create_app
from sepbots.practice.running import practice_language, run_until_signal
from sepbots.practice.server import serve_in_thread

_TEXTS = {
    "da": {"started": "Øvelses-adresseregister kører på {url} (/adresser?q=… og /datavask/adresser?betegnelse=…)",
           "stopped": "Øvelses-adresseregistret er stoppet."},
    "en": {"started": "The practice address register runs at {url} (/adresser?q=… and /datavask/adresser?betegnelse=…)",
           "stopped": "The practice address register has stopped."},
}


def dar(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port)")] = 8769,
    fail_first: Annotated[int, typer.Option(min=0, help="chaos: answer the first N requests 503")] = 0,
    lang: Annotated[str | None, typer.Option("--lang", help="da or en")] = None,
) -> None:
    """Start øvelses-adresseregistret (DAWA) / start the practice address register (DAWA-style)."""
    lang = practice_language(ctx, lang)
    url, stop = serve_in_thread(create_app(DarConfig(fail_first=fail_first)), host=host, port=port)
    typer.echo(_TEXTS[lang]["started"].format(url=url))
    run_until_signal(stop)
    typer.echo(_TEXTS[lang]["stopped"])
