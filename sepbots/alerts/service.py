"""Checking the rules, de-duplicating, sending by e-mail and webhook, the daily digest, the audit rows.

```
rules ─► findings (keys) ─► claim new/due keys in alerts_sent ─► group by rule and bot ─► channels
                                                                     │
                                  audit row ALERT_SENT per alert ◄───┘  (all channels failed: keys released)
```
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from pydantic import SecretStr
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sepbots.alerts.config import AlertKind, AlertsConfig, ChannelName, Rule, load_alerts
from sepbots.alerts.rules import Finding, RuleEvaluator
from sepbots.alerts.tables import alerts_sent
from sepbots.audit import AuditEvent, AuditEventType
from sepbots.clock import local
from sepbots.connectors.mail import MailServer, OutgoingMail, SmtpSender
from sepbots.connectors.webhook import WebhookSender
from sepbots.environment import Environment
from sepbots.workitems import items, runs

TITLES = {
    AlertKind.RUN_FAILED: "Kørsel fejlet / run failed",
    AlertKind.ITEMS_FAILED: "Emner fejlet efter alle forsøg / items failed after all retries",
    AlertKind.MANUAL_QUEUE: "Kø til manuel behandling / manual-handling queue",
    AlertKind.RUNNER_SILENT: "Runner tavs / runner silent",
    AlertKind.AUDIT_BROKEN: "Revisionsspor brudt / audit chain broken",
    AlertKind.TEST: "Testalarm / test alert",
    AlertKind.DIGEST: "Daglig oversigt / daily digest",
}


@dataclass(frozen=True)
class SentAlert:
    """One alert message and where it went."""

    kind: AlertKind
    rule: str
    bot: str | None
    title: str
    keys: int
    delivered: tuple[ChannelName, ...]
    failed: tuple[ChannelName, ...]


@dataclass(frozen=True)
class _Claim:
    key: str
    previous: tuple[datetime, int] | None  # None: the row is new


class AlertService:
    """Alerts of one installation.

    Args:
        env: the opened installation (store, vault, audit, clock, redactor).
        config: the validated ``alerts.toml``.
    """

    def __init__(self, env: Environment, config: AlertsConfig, *, log: Any = None) -> None:
        self.env = env
        self.config = config
        self.log = log or structlog.get_logger("sepbots.alerts")
        queue_bots = {r.queue: r.name for r in env.registry}
        self.rules = RuleEvaluator(env.store, env.audit, queue_bots)

    # -- channels ---------------------------------------------------------------------------------

    def _deliver(self, channel: ChannelName, title: str, text: str, facts: dict[str, str], extra: dict[str, Any]) -> None:
        env, channels = self.env, self.config.channels
        if channel is ChannelName.EMAIL:
            email = channels.email
            assert email is not None
            credential = env.vault.get(email.credential, actor=env.runner_id) if email.credential else None
            server = MailServer(host=email.smtp_host, port=email.smtp_port, security=email.security, timeout_s=email.timeout_s)
            body = text + "".join(f"\n{k}: {v}" for k, v in facts.items())
            SmtpSender(server, credential, clock=env.clock, log=self.log).send(
                OutgoingMail(sender=email.sender, to=email.to, subject=f"[sepbots] {title}", text=body))
            return
        hook = channels.webhook
        assert hook is not None
        url = SecretStr(hook.url) if hook.url else env.vault.get(hook.url_credential or "", actor=env.runner_id).password
        env.redactor.add_secret(url.get_secret_value())
        WebhookSender(url, format=hook.format, timeout_s=hook.timeout_s, clock=env.clock, log=self.log).send(title, text, facts, extra)

    def _send(self, kind: AlertKind, rule: str, bot: str | None, channels: list[ChannelName], text: str,
              facts: dict[str, str], keys: int) -> SentAlert:
        redact = self.env.redactor.redact
        title = TITLES[kind] + (f" — {bot}" if bot else "")
        text, facts = redact(text), {k: redact(v) for k, v in facts.items()}
        extra = {"kind": kind.value, "rule": rule, "bot": bot, "at": self.env.clock.now().isoformat()}
        delivered, failed = [], []
        for channel in channels:
            try:
                self._deliver(channel, title, text, facts, extra)
                delivered.append(channel)
            except Exception as exc:  # one channel down must not silence the others
                failed.append(channel)
                self.log.error("alert_channel_failed", channel=channel.value, kind=kind.value, exc_info=exc)
        sent = SentAlert(kind, rule, bot, title, keys, tuple(delivered), tuple(failed))
        with self.env.store.begin() as conn:
            self.env.audit.append(conn, [AuditEvent(AuditEventType.ALERT_SENT, self.env.runner_id, bot=bot, details={
                "kind": kind.value, "rule": rule, "title": title, "findings": keys,
                "delivered": [c.value for c in delivered], "failed": [c.value for c in failed]})], self.env.clock.now())
        self.log.info("alert_sent", kind=kind.value, rule=rule, bot=bot, delivered=[c.value for c in delivered],
                      failed=[c.value for c in failed])
        return sent

    # -- de-duplication -----------------------------------------------------------------------------

    def _claim(self, key: str, rule: str, kind: AlertKind, repeat: bool, now: datetime,
               known: dict[str, tuple[datetime, int]]) -> _Claim | None:
        """Take ``key`` for sending now, or None when it was sent (and, for conditions, recently)."""
        store = self.env.store
        if key not in known:
            try:
                with store.begin() as conn:
                    conn.execute(insert(alerts_sent).values(key=key, rule=rule, kind=kind.value, first_at=now, last_at=now, count=1))
                return _Claim(key, None)
            except IntegrityError:  # another runner took it a moment ago
                return None
        last_at, count = known[key]
        if not repeat or last_at > now - self.config.repeat_after:
            return None
        with store.begin() as conn:
            taken = conn.execute(update(alerts_sent).where(alerts_sent.c.key == key, alerts_sent.c.last_at == last_at)
                                 .values(last_at=now, count=count + 1)).rowcount
        return _Claim(key, (last_at, count)) if taken == 1 else None

    def _release(self, claims: list[_Claim]) -> None:
        """Give keys back after every channel failed, so the next check tries again."""
        with self.env.store.begin() as conn:
            for claim in claims:
                if claim.previous is None:
                    conn.execute(delete(alerts_sent).where(alerts_sent.c.key == claim.key))
                else:
                    conn.execute(update(alerts_sent).where(alerts_sent.c.key == claim.key)
                                 .values(last_at=claim.previous[0], count=claim.previous[1]))

    def _known(self, keys: list[str]) -> dict[str, tuple[datetime, int]]:
        found: dict[str, tuple[datetime, int]] = {}
        with self.env.store.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                rows = conn.execute(select(alerts_sent.c.key, alerts_sent.c.last_at, alerts_sent.c.count)
                                    .where(alerts_sent.c.key.in_(keys[start:start + 500]))).all()
                found.update({r.key: (r.last_at, r.count) for r in rows})
            conn.rollback()
        return found

    # -- the checks -----------------------------------------------------------------------------------

    def check(self) -> list[SentAlert]:
        """Evaluate every rule, send what is new or due again, then the digest when it is time."""
        now = self.env.clock.now()
        findings: list[Finding] = [f for rule in self.config.rules for f in self.rules.evaluate(rule, now)]
        known = self._known([f.key for f in findings])
        groups: dict[tuple[int, str | None], list[tuple[Finding, _Claim]]] = defaultdict(list)
        rules: dict[int, Rule] = {}
        for finding in findings:
            claim = self._claim(finding.key, finding.rule.label, finding.rule.kind, finding.repeat, now, known)
            if claim is not None:
                rules[id(finding.rule)] = finding.rule
                groups[(id(finding.rule), finding.bot)].append((finding, claim))
        sent = []
        for (rule_id, bot), members in groups.items():
            rule = rules[rule_id]
            facts = {k: v for finding, _ in members for k, v in finding.facts.items()} if len(members) == 1 else {}
            alert = self._send(rule.kind, rule.label, bot, self.config.channels_for(rule.channels),
                               "\n".join(f.line for f, _ in members), facts, len(members))
            if not alert.delivered:
                self._release([claim for _, claim in members])
            sent.append(alert)
        digest = self.digest_if_due(now)
        return sent + ([digest] if digest else [])

    def test(self) -> SentAlert:
        """Send a test alert through every configured channel (``sepbots alerts test``)."""
        return self._send(AlertKind.TEST, "test", None, self.config.channels.configured(),
                          "Dette er en testalarm fra sepbots. / This is a test alert from sepbots.",
                          {"runner": self.env.runner_id}, 0)

    def digest_if_due(self, now: datetime) -> SentAlert | None:
        """The daily digest, once per Danish calendar day after ``digest.at``."""
        digest = self.config.digest
        today = local(now)
        if digest is None or today.time() < digest.at:
            return None
        key = f"digest:{today.date().isoformat()}"
        claim = self._claim(key, "digest", AlertKind.DIGEST, False, now, self._known([key]))
        if claim is None:
            return None
        alert = self._send(AlertKind.DIGEST, "digest", None, self.config.channels_for(digest.channels),
                           self.digest_text(now), {}, 0)
        if not alert.delivered:
            self._release([claim])
        return alert

    def digest_text(self, now: datetime) -> str:
        """The last 24 hours: runs by status, alerts by kind; and the manual-handling queues now."""
        since = now - timedelta(days=1)
        with self.env.store.engine.connect() as conn:
            by_status = runs.status_counts_since(conn, since)
            by_kind = conn.execute(select(alerts_sent.c.kind, func.count()).where(alerts_sent.c.last_at >= since,
                                   alerts_sent.c.kind != AlertKind.DIGEST.value).group_by(alerts_sent.c.kind)
                                   .order_by(alerts_sent.c.kind)).all()
            manual = [(queue, n) for queue, n, _ in items.waiting_for_people(conn)]
            conn.rollback()
        lines = [f"Døgnet til {local(now):%d-%m-%Y %H:%M} / the 24 hours until then", "",
                 "Kørsler / runs: " + (", ".join(f"{s}: {n}" for s, n in by_status) or "ingen / none"),
                 "Alarmer / alerts: " + (", ".join(f"{k}: {n}" for k, n in by_kind) or "ingen / none"),
                 "Manuel behandling / manual handling: " + (", ".join(f"{q}: {n}" for q, n in manual) or "tom / empty")]
        return "\n".join(lines)


def service_for(env: Environment) -> AlertService | None:
    """The alerts of ``<home>/config/alerts.toml``, or None when the file does not exist.

    Raises:
        ConfigError: the file is invalid (names the key).
    """
    config = load_alerts(env.settings.home / "config" / "alerts.toml")
    return AlertService(env, config) if config is not None else None
