"""``sepbots alerts test|check``: send a test alert, or check the rules of ``config/alerts.toml`` now."""

from __future__ import annotations

import typer

from sepbots.alerts import AlertService, SentAlert, service_for
from sepbots.cli.state import CliState, errors_to_exit, fail, state
from sepbots.i18n import Catalog

T = Catalog({
    "none": ("Ingen alarmopsætning: {path} findes ikke.", "No alert configuration: {path} does not exist."),
    "sent": ("{title}: sendt via {ok}{failed}", "{title}: sent via {ok}{failed}"),
    "failed": (" — fejlede via {channels}", " — failed via {channels}"),
    "nothing": ("Intet nyt at alarmere om.", "Nothing new to alert about."),
})
alerts_app = typer.Typer(help="Alarmer til drift / alerts for operations.", no_args_is_help=True)


def _service(st: CliState) -> AlertService:
    service = service_for(st.env())
    if service is None:
        fail(T(st.language, "none", path=st.settings.home / "config" / "alerts.toml"))
    return service


def _echo(lang: str, sent: SentAlert) -> None:
    failed = T(lang, "failed", channels=", ".join(sent.failed)) if sent.failed else ""
    typer.echo(T(lang, "sent", title=sent.title, ok=", ".join(sent.delivered) or "-", failed=failed))


@alerts_app.command("test")
def test(ctx: typer.Context) -> None:
    """Send en testalarm via alle kanaler / send a test alert through every channel (exit 1 if one fails)."""
    st = state(ctx)
    with errors_to_exit():
        sent = _service(st).test()
    _echo(st.language, sent)
    if sent.failed:
        raise typer.Exit(1)


@alerts_app.command("check")
def check(ctx: typer.Context) -> None:
    """Kontrollér reglerne nu og send det nye / check the rules now and send what is new."""
    st = state(ctx)
    with errors_to_exit():
        sent = _service(st).check()
    for alert in sent:
        _echo(st.language, alert)
    if not sent:
        typer.echo(T(st.language, "nothing"))


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
