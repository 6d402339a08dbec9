"""``sepbots practice graph``: the practice Microsoft Graph mail server, until Ctrl+C."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from sepbots.practice.graph.web import GraphConfig, GraphPractice, create_app
from sepbots.practice.running import practice_language, run_until_signal
from sepbots.practice.server import serve_in_thread

_TEXTS = {
    "da": {"started": "Øvelses-Graph kører på {url}", "app": "Tenant {tenant}, klient-id {client}, klienthemmelighed {secret}",
           "box": "Postkasse {box} med {count} mails i indbakken", "stop": "Stop med Ctrl+C.", "stopped": "Øvelses-Graph er stoppet."},
    "en": {"started": "The practice Graph runs at {url}", "app": "Tenant {tenant}, client id {client}, client secret {secret}",
           "box": "Mailbox {box} with {count} mails in the inbox", "stop": "Stop with Ctrl+C.",
           "stopped": "The practice Graph has stopped."},
}
SAMPLE_SUBJECTS = ("Sag 2026-000101: Ansøgning om hjælpemidler", "Sag 2026-000102: Klage over afgørelse",
                   "Spørgsmål om åbningstider")


def seed_sample(graph: GraphPractice, count: int) -> None:
    """Put ``count`` sample mails into the first mailbox's inbox."""
    start = datetime.now(UTC) - timedelta(hours=1)
    for n in range(count):
        graph.store.add_message(graph.config.mailboxes[0], "inbox", subject=SAMPLE_SUBJECTS[n % len(SAMPLE_SUBJECTS)],
                                sender=("Borger", f"borger{n + 1}@example.dk"), received=start + timedelta(minutes=n),
                                body="Se venligst vedhæftede.")


def graph(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port)")] = 8766,
    mails: Annotated[int, typer.Option(min=0, help="sample mails in the inbox at start")] = 3,
    token_lifetime: Annotated[int, typer.Option(min=1, help="seconds a token is valid")] = 3599,
    throttle_every: Annotated[int, typer.Option(min=0, help="answer every n-th call 429 (0 = never)")] = 0,
    retry_after: Annotated[int, typer.Option(min=0, help="Retry-After seconds sent with 429")] = 1,
    lang: Annotated[str | None, typer.Option("--lang", help="da or en")] = None,
) -> None:
    """Start øvelses-Graph (Microsoft 365-post) / start the practice Microsoft Graph (mail)."""
    lang = practice_language(ctx, lang)
    texts = _TEXTS[lang]
    config = GraphConfig(token_lifetime_s=token_lifetime, throttle_every=throttle_every, retry_after_s=retry_after)
    app = create_app(config)
    seed_sample(app.state.graph, mails)
    url, stop = serve_in_thread(app, host=host, port=port)
    typer.echo(texts["started"].format(url=url))
    typer.echo(texts["app"].format(tenant=config.tenant, client=config.client_id, secret=config.client_secret))
    typer.echo(texts["box"].format(box=config.mailboxes[0], count=mails))
    typer.echo(texts["stop"])
    run_until_signal(stop)
    typer.echo(texts["stopped"])
