"""Alerts for operations: rules in ``config/alerts.toml``, sent by e-mail and/or webhook.

Rules: a run failed, items failed after all retries, a bot's manual-handling queue above N or
older than T, a runner silent for T, the audit chain broken. Alerts are de-duplicated by key
(``alerts_sent``), a daily digest sums up the day, and every alert is an audit row. The runner
service checks every ``check_every``; ``sepbots alerts check`` and ``sepbots alerts test`` do it by hand.
"""

from sepbots.alerts.config import AlertKind, AlertsConfig, ChannelName, Rule, load_alerts
from sepbots.alerts.service import AlertService, SentAlert, service_for

__all__ = ["AlertKind", "AlertService", "AlertsConfig", "ChannelName", "Rule", "SentAlert", "load_alerts", "service_for"]
