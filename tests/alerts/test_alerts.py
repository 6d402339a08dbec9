"""Alert rules checked against a real ledger, sent to a real SMTP server and a real webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from sepbots import ApplicationException, BusinessException, WorkItem, bot
from sepbots.alerts import AlertKind, AlertService, ChannelName, load_alerts
from sepbots.audit import AuditEventType
from sepbots.connectors.mail.mime import parse, text_of
from sepbots.environment import Environment
from sepbots.exceptions import ConfigError
from sepbots.practice.mail import SmtpInbox
from sepbots.recipes import NoParams
from sepbots.store.schema import audit_log
from sepbots.testing import ManualClock, open_test_environment, run_bot_once
from sepbots.worker.state import WorkerInfo, WorkerState, WorkerStatuses
from sepbots.workitems import NewItem

from .conftest import WebhookReceiver

START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Copenhagen, before the 07:30 digest


class Case(NoParams):
    n: int


def _cases(ctx: object) -> list[NewItem[Case]]:
    return [NewItem(reference=f"sag-{n}", payload=Case(n=n)) for n in range(3)]


@bot(name="alarmtest", producer=_cases, max_attempts=1)
def flaky(item: WorkItem[Case], ctx: object) -> None:
    """Item 0 is done, item 1 goes to manual handling, item 2 fails (one attempt only)."""
    if item.payload.n == 1:
        raise BusinessException("mangler CPR 010203-1234", code="MISSING")
    if item.payload.n == 2:
        raise ApplicationException("systemet svarer ikke", code="DOWN")


def write_config(home: Path, smtp: SmtpInbox, hook: WebhookReceiver, extra: str = "") -> Path:
    path = home / "config" / "alerts.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""
check_every = "30s"
repeat_after = "4h"
[channels.email]
smtp_host = "127.0.0.1"
smtp_port = {smtp.port}
security = "none"
sender = "sepbots@kommune.dk"
to = ["drift@kommune.dk"]
[channels.webhook]
url = "{hook.url}"
format = "teams"
[[rules]]
kind = "run_failed"
[[rules]]
kind = "items_failed"
channels = ["webhook"]
[[rules]]
name = "manuel-kø"
kind = "manual_queue"
above = 0
{extra}
""", encoding="utf-8")
    return path


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def installation(home: Path, clock: ManualClock) -> Iterator[Environment]:
    env = open_test_environment(home, clock=clock)
    yield env
    env.close()


def alert_rows(env: Environment) -> list[dict[str, object]]:
    with env.store.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.details).where(audit_log.c.event == AuditEventType.ALERT_SENT.value)
                            .order_by(audit_log.c.seq)).all()
    return [r.details for r in rows]


def test_failures_are_sent_once_by_mail_and_webhook_with_an_audit_row_each(
    installation: Environment, clock: ManualClock, smtp: SmtpInbox, webhook: WebhookReceiver
) -> None:
    """A failed run, a failed item and a manual item give three alerts, each an audit row; a second check sends nothing."""
    run_bot_once(flaky, env=installation)
    config = load_alerts(write_config(installation.settings.home, smtp, webhook))
    assert config is not None
    service = AlertService(installation, config)
    sent = service.check()
    assert sorted(a.kind for a in sent) == sorted([AlertKind.RUN_FAILED, AlertKind.ITEMS_FAILED, AlertKind.MANUAL_QUEUE])
    assert all(not a.failed for a in sent)
    by_kind = {a.kind: a for a in sent}
    assert by_kind[AlertKind.ITEMS_FAILED].delivered == (ChannelName.WEBHOOK,)
    assert by_kind[AlertKind.RUN_FAILED].delivered == (ChannelName.EMAIL, ChannelName.WEBHOOK)
    mails = smtp.wait_for(2)
    assert len(mails) == 2 and all(m.recipients == ("drift@kommune.dk",) for m in mails)
    texts = [text_of(parse(m.raw)) for m in mails]
    assert any("alarmtest: 1 emner venter på manuel behandling" in t for t in texts)
    assert all("010203-1234" not in t for t in texts)
    cards = webhook.posts
    assert len(cards) == 3 and all(c["@type"] == "MessageCard" for c in cards)
    failed_card = next(c for c in cards if c["title"].startswith("Emner fejlet"))
    assert "sag-2: DOWN efter 1 forsøg" in failed_card["sections"][0]["text"]
    assert [d["kind"] for d in alert_rows(installation)] == [a.kind.value for a in sent]
    assert service.check() == [] and len(webhook.posts) == 3


def test_a_condition_still_true_is_sent_again_after_repeat_after_but_not_before(
    installation: Environment, clock: ManualClock, smtp: SmtpInbox, webhook: WebhookReceiver
) -> None:
    """The manual queue alert comes back after 4 h (repeat_after); the failed run does not."""
    run_bot_once(flaky, env=installation)
    config = load_alerts(write_config(installation.settings.home, smtp, webhook))
    assert config is not None
    service = AlertService(installation, config)
    service.check()
    clock.advance(hours=3, minutes=59)
    assert service.check() == []
    clock.advance(minutes=2)
    again = service.check()
    assert [a.kind for a in again] == [AlertKind.MANUAL_QUEUE]


def test_a_silent_runner_and_a_broken_audit_chain_are_alerted(
    installation: Environment, clock: ManualClock, smtp: SmtpInbox, webhook: WebhookReceiver
) -> None:
    """A runner whose heartbeat is 11 minutes old and an edited audit row each raise an alert."""
    extra = '[[rules]]\nkind = "runner_silent"\nafter = "10m"\n[[rules]]\nkind = "audit_broken"\nchannels = ["email"]\n'
    config = load_alerts(write_config(installation.settings.home, smtp, webhook, extra))
    assert config is not None
    WorkerStatuses(installation.store, clock).report(
        WorkerInfo(runner_id="pc-7:42", host="pc-7", pid=42, started_at=START, heartbeat_at=clock.now(), state=WorkerState.IDLE))
    run_bot_once(flaky, env=installation)
    service = AlertService(installation, config)
    assert AlertKind.RUNNER_SILENT not in {a.kind for a in service.check()}
    with installation.store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(actor="someone-else"))
    clock.advance(minutes=11)
    kinds = {a.kind for a in service.check()}
    assert {AlertKind.RUNNER_SILENT, AlertKind.AUDIT_BROKEN} <= kinds
    smtp.wait_for(3)
    broken = "\n".join(text_of(parse(m.raw)) for m in smtp.mails)
    assert "revisionssporet er brudt ved række 2" in broken and "runneren pc-7:42 på pc-7" in broken


def test_when_every_channel_fails_the_alert_is_tried_again_at_the_next_check(
    installation: Environment, clock: ManualClock, smtp: SmtpInbox, webhook: WebhookReceiver
) -> None:
    """A webhook answering 400 fails the webhook-only alert; its key is released and the next check sends it."""
    run_bot_once(flaky, env=installation)
    config = load_alerts(write_config(installation.settings.home, smtp, webhook))
    assert config is not None
    service = AlertService(installation, config)
    webhook.status = 400
    first = {a.kind: a for a in service.check()}
    assert first[AlertKind.ITEMS_FAILED].delivered == () and first[AlertKind.ITEMS_FAILED].failed == (ChannelName.WEBHOOK,)
    assert first[AlertKind.RUN_FAILED].delivered == (ChannelName.EMAIL,)
    webhook.status = 200
    assert [a.kind for a in service.check()] == [AlertKind.ITEMS_FAILED]
    assert alert_rows(installation)[0]["failed"] == ["webhook"]


def test_the_daily_digest_is_sent_once_a_day_after_its_time(
    installation: Environment, clock: ManualClock, smtp: SmtpInbox, webhook: WebhookReceiver
) -> None:
    """No digest before 07:30 Danish time; one after; none again that day; one the next day."""
    config = load_alerts(write_config(installation.settings.home, smtp, webhook, '[digest]\nat = 07:30:00\nchannels = ["email"]\n'))
    assert config is not None
    run_bot_once(flaky, env=installation)
    service = AlertService(installation, config)
    assert AlertKind.DIGEST not in {a.kind for a in service.check()}
    clock.advance(hours=1, minutes=31)  # 07:31 in Copenhagen
    assert [a.kind for a in service.check()] == [AlertKind.DIGEST]
    assert service.check() == []
    digest = next(text_of(parse(m.raw)) for m in smtp.mails if "Daglig oversigt" in str(parse(m.raw)["Subject"]))
    assert "Kørsler / runs: failed: 1" in digest and "alarmtest: 1" in digest
    clock.advance(days=1)
    assert AlertKind.DIGEST in {a.kind for a in service.check()}


def test_test_alert_reaches_every_channel(installation: Environment, smtp: SmtpInbox, webhook: WebhookReceiver) -> None:
    """`alerts test` sends one alert through e-mail and webhook and records it."""
    config = load_alerts(write_config(installation.settings.home, smtp, webhook))
    assert config is not None
    sent = AlertService(installation, config).test()
    assert sent.delivered == (ChannelName.EMAIL, ChannelName.WEBHOOK)
    assert "testalarm" in text_of(parse(smtp.wait_for(1)[0].raw)) and webhook.posts[0]["title"] == "Testalarm / test alert"
    assert alert_rows(installation)[0]["kind"] == "test"


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('[[rules]]\nkind = "manual_queue"\n', "rules[0]", "manual_queue needs above and/or older_than"),
        ('[[rules]]\nkind = "runner_silent"\nafter = "ten minutes"\n', "rules[0].after", "write a duration"),
        ('[[rules]]\nkind = "run_failed"\nchannels = ["email"]\n', "alerts", "channel(s) email not configured"),
        ('[channels.webhook]\nformat = "teams"\n', "channels.webhook", "exactly one of url and url_credential"),
    ],
)
def test_a_bad_alerts_file_names_the_file_and_the_key(tmp_path: Path, text: str, key: str, message: str) -> None:
    """Each mistake is a ConfigError naming alerts.toml and the key that is wrong."""
    path = tmp_path / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_alerts(path)
    assert bad.value.file == path and bad.value.key == key and message in str(bad.value)


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('[[rules]]\nkind = "manual_queue"\nabove = "0101901234x"\n', "rules[0].above",
         "skal være et helt tal / must be a whole number"),
        ('[[rules]]\nkind = "0101901234"\n', "rules[0].kind",
         "skal være 'run_failed', 'items_failed', 'manual_queue', 'runner_silent', 'audit_broken', 'test' eller 'digest' / "
         "must be 'run_failed', 'items_failed', 'manual_queue', 'runner_silent', 'audit_broken', 'test' or 'digest'"),
        ('[[rules]]\nkind = "manual_queue"\nabove = 1\n[[rules]]\nkind = "run_failed"\nabove = -1\n', "rules[1].above",
         "skal være mindst 0 / must be at least 0"),
    ],
)
def test_a_bad_value_in_the_alerts_file_is_explained_in_danish_and_english(tmp_path: Path, text: str, key: str,
                                                                          message: str) -> None:
    """Pydantic's reason is the message, in both languages, and the refused value is not repeated."""
    path = tmp_path / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_alerts(path)
    assert (bad.value.file, bad.value.key, bad.value.message) == (path, key, message)
    assert "0101901234" not in str(bad.value)


def test_the_shipped_example_configuration_is_valid() -> None:
    """config/alerts.example.toml loads: five rules, both channels, a digest at 07:30."""
    config = load_alerts(Path(__file__).resolve().parents[2] / "config" / "alerts.example.toml")
    assert config is not None and len(config.rules) == 5 and config.digest is not None
    assert config.channels.configured() == [ChannelName.EMAIL, ChannelName.WEBHOOK] and str(config.digest.at) == "07:30:00"
