"""`sepbots alerts test|check` through the CLI, and the runner service checking alerts on its own."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from typer.testing import CliRunner, Result

from sepbots.alerts import service_for
from sepbots.cli import app
from sepbots.practice.mail import SmtpInbox
from sepbots.testing import open_test_environment, run_bot_once
from sepbots.worker.service import WorkerService, load_service_config

from .conftest import WebhookReceiver
from .test_alerts import flaky, write_config


def invoke(home: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--home", str(home), "--lang", "en", *args], env={"SEPBOTS_KEY": ""})


def test_alerts_test_and_check_on_the_command_line(home: Path, smtp: SmtpInbox, webhook: WebhookReceiver) -> None:
    """`alerts test` reaches both channels (exit 0); `alerts check` sends the failed run once, then reports nothing new."""
    write_config(home, smtp, webhook)
    env = open_test_environment(home)
    run_bot_once(flaky, env=env)
    env.close()
    tested = invoke(home, "alerts", "test")
    assert tested.exit_code == 0, tested.output
    assert "Testalarm / test alert: sent via email, webhook" in tested.output
    checked = invoke(home, "alerts", "check")
    assert checked.exit_code == 0 and "Kørsel fejlet / run failed — alarmtest: sent via email, webhook" in checked.output
    again = invoke(home, "alerts", "check")
    assert again.exit_code == 0 and again.output.strip() == "Nothing new to alert about."


def test_alerts_without_a_configuration_or_with_a_bad_one_exit_2(home: Path) -> None:
    """No alerts.toml, or one with an unknown kind, is a clear error with exit code 2."""
    open_test_environment(home).close()  # an installation, so the missing alerts.toml is what is reported
    missing = invoke(home, "alerts", "check")
    assert missing.exit_code == 2 and "alerts.toml does not exist" in missing.output
    (home / "config").mkdir()
    (home / "config" / "alerts.toml").write_text('[[rules]]\nkind = "sometimes"\n', encoding="utf-8")
    bad = invoke(home, "alerts", "test")
    assert bad.exit_code == 2 and "rules[0].kind" in bad.output


def test_the_runner_service_checks_alerts_every_check_every(home: Path, smtp: SmtpInbox, webhook: WebhookReceiver) -> None:
    """A running service with check_every = 1s posts the failed run to the webhook without being asked."""
    path = write_config(home, smtp, webhook)
    path.write_text(path.read_text(encoding="utf-8").replace('check_every = "30s"', 'check_every = "1s"'), encoding="utf-8")
    env = open_test_environment(home, overrides={"queue": {"heartbeat_s": 0.2}})
    run_bot_once(flaky, env=env)
    service = WorkerService(env, load_service_config(env), persistent_jobs=False, alerts=service_for(env))
    thread = threading.Thread(target=service.run)
    thread.start()
    try:
        deadline = time.monotonic() + 60  # about 1 s idle; the loop ends as soon as all three are in
        while time.monotonic() < deadline and len(webhook.posts) < 3:
            time.sleep(0.05)
    finally:
        service.request_stop()
        thread.join(timeout=15)
        env.close()
    assert sorted(p["title"].split(" / ")[0] for p in webhook.posts) == [
        "Emner fejlet efter alle forsøg", "Kø til manuel behandling", "Kørsel fejlet"]
