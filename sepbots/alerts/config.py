"""``config/alerts.toml``: channels (e-mail, webhook), rules and the daily digest, validated once.

Durations are written ``30s``, ``10m``, ``4h`` or ``2d``. Every error names the file and the key
(``rules[2].above``); the CLI exits 2 on them and the runner service will not start.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from sepbots.connectors.mail import MailSecurity
from sepbots.connectors.webhook import WebhookFormat
from sepbots.exceptions import ConfigError
from sepbots.i18n.validation import validation_problems

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def _duration(value: Any) -> Any:
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(f"skriv en varighed som 30s, 10m, 4h eller 2d, ikke {value!r} / "
                             f"write a duration as 30s, 10m, 4h or 2d, not {value!r}")
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]


class AlertKind(StrEnum):
    """What an alert is about."""

    RUN_FAILED = "run_failed"
    ITEMS_FAILED = "items_failed"
    MANUAL_QUEUE = "manual_queue"
    RUNNER_SILENT = "runner_silent"
    AUDIT_BROKEN = "audit_broken"
    TEST = "test"
    DIGEST = "digest"


RULE_KINDS = (AlertKind.RUN_FAILED, AlertKind.ITEMS_FAILED, AlertKind.MANUAL_QUEUE, AlertKind.RUNNER_SILENT, AlertKind.AUDIT_BROKEN)


class ChannelName(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmailChannel(_Section):
    """Alerts by mail through an SMTP server."""

    smtp_host: str
    smtp_port: int = Field(587, gt=0, le=65535)
    security: MailSecurity = MailSecurity.STARTTLS
    credential: str | None = Field(None, description="vault credential for the SMTP login; none: an open relay")
    sender: str
    to: list[str] = Field(min_length=1)
    timeout_s: float = Field(30.0, gt=0)


class WebhookChannel(_Section):
    """Alerts as a JSON POST (``format = "teams"`` for a Teams incoming webhook)."""

    url: str | None = Field(None, description="the URL; prefer url_credential, a webhook URL is a secret")
    url_credential: str | None = Field(None, description="vault credential holding the URL")
    format: WebhookFormat = WebhookFormat.TEAMS
    timeout_s: float = Field(10.0, gt=0)

    @model_validator(mode="after")
    def _one_url(self) -> WebhookChannel:
        if (self.url is None) == (self.url_credential is None):
            raise ValueError("angiv præcis én af url og url_credential / give exactly one of url and url_credential")
        return self


class Channels(_Section):
    email: EmailChannel | None = None
    webhook: WebhookChannel | None = None

    def configured(self) -> list[ChannelName]:
        return [name for name in ChannelName if getattr(self, name.value) is not None]


class Rule(_Section):
    """One condition to alert on."""

    name: str = ""
    kind: AlertKind
    channels: list[ChannelName] = Field(default_factory=list, description="default: every configured channel")
    bots: list[str] = Field(default_factory=list, description="only these bots (default: all)")
    above: int | None = Field(None, ge=0, description="manual_queue: alert when more items than this wait")
    older_than: Duration | None = Field(None, description="manual_queue: alert when the oldest waits longer")
    after: Duration | None = Field(None, description="runner_silent: alert when no heartbeat for this long")
    lookback: Duration = Field(timedelta(days=1), description="run_failed/items_failed: how far back to look")

    @model_validator(mode="after")
    def _complete(self) -> Rule:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"kind skal være en af / must be one of {', '.join(RULE_KINDS)}")
        if self.kind is AlertKind.MANUAL_QUEUE and self.above is None and self.older_than is None:
            raise ValueError("manual_queue kræver above og/eller older_than / manual_queue needs above and/or older_than")
        if self.kind is AlertKind.RUNNER_SILENT and self.after is None:
            raise ValueError("runner_silent kræver after / runner_silent needs after")
        return self

    @property
    def label(self) -> str:
        return self.name or self.kind.value


class Digest(_Section):
    """A daily summary at ``at`` (Danish local time)."""

    at: time = time(7, 30)
    channels: list[ChannelName] = Field(default_factory=list)


class AlertsConfig(_Section):
    """The whole ``alerts.toml``."""

    check_every: Duration = Field(timedelta(minutes=1), description="how often the runner service checks")
    repeat_after: Duration = Field(timedelta(hours=24), description="re-send a condition still true after this long")
    channels: Channels = Field(default_factory=Channels)
    rules: list[Rule] = Field(default_factory=list)
    digest: Digest | None = None

    @model_validator(mode="after")
    def _channels_exist(self) -> AlertsConfig:
        configured = set(self.channels.configured())
        wanted = [(f"rules[{n}]", r.channels) for n, r in enumerate(self.rules)]
        wanted += [("digest", self.digest.channels)] if self.digest else []
        for where, names in wanted:
            missing = [n.value for n in names if n not in configured]
            if missing:
                raise ValueError(f"{where}: kanal(er) {', '.join(missing)} er ikke sat op under [channels] / "
                                 f"channel(s) {', '.join(missing)} not configured under [channels]")
        return self

    def channels_for(self, names: list[ChannelName]) -> list[ChannelName]:
        return names or self.channels.configured()


def load_alerts(path: Path) -> AlertsConfig | None:
    """The alerts configuration, or None when ``path`` does not exist (no alerts).

    Raises:
        ConfigError: naming the file and the key.
    """
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"ikke gyldig TOML / not valid TOML: {exc}", file=path) from exc
    try:
        return AlertsConfig.model_validate(data)
    except ValidationError as exc:
        first = validation_problems(exc)[0]
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first.loc).lstrip(".") or "alerts"
        raise ConfigError(first.reason, key=key, file=path) from exc
