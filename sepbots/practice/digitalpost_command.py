"""``sepbots practice digitalpost``: the practice Digital Post sending interface (mutual TLS), until Ctrl+C."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sepbots.connectors.digitalpost.sf1601 import KOMBI_PATH
from sepbots.practice.certs import practice_pki
from sepbots.practice.digitalpost import DigitalPostConfig, create_app
from sepbots.practice.running import practice_language, run_until_signal
from sepbots.practice.server import ServerTls, serve_in_thread

_TEXTS = {
    "da": {"started": "Øvelses-Digital Post kører på {url}/memo (kræver klientcertifikat)",
           "sf1601": "Øvelses-Serviceplatformen (SF1601 og tokens) på {url}{path}",
           "certs": "Certifikater i {folder}: CA {ca}, robottens systemcertifikat {cert} og nøgle {key}",
           "stopped": "Øvelses-Digital Post er stoppet."},
    "en": {"started": "The practice Digital Post runs at {url}/memo (client certificate required)",
           "sf1601": "The practice Serviceplatformen (SF1601 and tokens) at {url}{path}",
           "certs": "Certificates in {folder}: CA {ca}, the robot's system certificate {cert} and key {key}",
           "stopped": "The practice Digital Post has stopped."},
}


def digitalpost(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 = any free port)")] = 8768,
    certs: Annotated[Path, typer.Option(help="folder for the practice CA, certificates and receipts.jsonl",
                                        file_okay=False)] = Path("var/practice/digitalpost"),
    fail_first: Annotated[int, typer.Option(min=0, help="chaos: answer the first N requests 503")] = 0,
    throttle_first: Annotated[int, typer.Option(min=0, help="chaos: then answer N requests 429")] = 0,
    retry_after: Annotated[int, typer.Option(min=0, help="Retry-After seconds sent with 429")] = 1,
    memo_schema: Annotated[Path | None, typer.Option(help="the published MeMo_core.xsd (default: the built-in subset)",
                                                     exists=True, dir_okay=False)] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="da or en")] = None,
) -> None:
    """Start øvelses-Digital Post (MeMo, mTLS) / start the practice Digital Post sending interface."""
    lang = practice_language(ctx, lang)
    pki = practice_pki(certs)
    config = DigitalPostConfig(fail_first=fail_first, throttle_first=throttle_first, retry_after_s=retry_after,
                               receipts_file=certs / "receipts.jsonl", memo_schema=memo_schema, ca_cert=pki.ca.cert)
    url, stop = serve_in_thread(create_app(config), host=host, port=port,
                                tls=ServerTls(pki.server.cert, pki.server.key, client_ca=pki.ca.cert))
    texts = _TEXTS[lang]
    typer.echo(texts["started"].format(url=url))
    typer.echo(texts["certs"].format(folder=certs, ca=pki.ca.cert.name, cert=pki.client.cert.name, key=pki.client.key.name))
    typer.echo(texts["sf1601"].format(url=url, path=KOMBI_PATH))
    run_until_signal(stop)
    typer.echo(texts["stopped"])
