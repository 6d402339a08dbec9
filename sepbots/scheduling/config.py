"""``config/schedules.toml``: schedules and queue triggers, validated as a whole.

```toml
[calendar]
optional_holidays = false          # also skip 1. maj, Grundlovsdag, juleaftensdag, nytårsaftensdag
closed_days = [2026-05-15]         # extra days the municipality is closed

[[schedule]]
name = "refusion-nat"
bot = "sygedagpenge-refusion"
cron = "30 2 * * 1-5"              # exactly one of: cron, every, at
skip_holidays = true
misfire_grace_s = 3600
[schedule.params]
input = "inbox/refusion.xlsx"

[[queue_trigger]]
bot = "sygedagpenge-refusion"
min_items = 5
```

The whole file is checked before anything runs: every problem is reported with the file and
the entry (``schedule[2] "refusion-nat"``), and a file with any problem loads nothing.
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sepbots.exceptions import ConfigError
from sepbots.i18n.validation import validation_problems
from sepbots.scheduling.cron import crontab_trigger

DEFAULT_TIMEZONE = "Europe/Copenhagen"
_DURATION = re.compile(r"(\d+)\s*(d|h|m|s)", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


class TriggerKind(enum.StrEnum):
    """How a schedule decides its fire times."""

    CRON = "cron"
    INTERVAL = "interval"
    DATE = "date"


def parse_duration(value: int | float | str) -> timedelta:
    """A duration from seconds or a text such as ``"90s"``, ``"15m"``, ``"1h30m"``, ``"1d"``.

    Raises:
        ValueError: when the text is not a positive duration.
    """
    if isinstance(value, bool):
        raise ValueError("en varighed skal være et antal sekunder eller en tekst som '15m' / "
                         "a duration must be a number of seconds or a text such as '15m'")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts).lower() != text.lower():
            raise ValueError(f"{value!r} er ikke en varighed; skriv fx '90s', '15m', '1h30m' eller '1d' / "
                             f"{value!r} is not a duration; write e.g. '90s', '15m', '1h30m' or '1d'")
        seconds = float(sum(int(n) * _UNIT_SECONDS[u.lower()] for n, u in parts))
    if seconds <= 0:
        raise ValueError("en varighed skal være længere end nul / a duration must be longer than zero")
    return timedelta(seconds=seconds)


class CalendarConfig(BaseModel):
    """Which days count as closed besides weekends."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    optional_holidays: bool = False
    closed_days: tuple[date, ...] = ()


class Schedule(BaseModel):
    """One schedule: when to start which bot, with which parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.-]+$")
    bot: str = Field(min_length=1)
    cron: str | None = None
    every: timedelta | None = None
    start: datetime | None = None
    at: datetime | None = None
    timezone: str = DEFAULT_TIMEZONE
    params: dict[str, Any] = Field(default_factory=dict)
    priority: int = 0
    skip_holidays: bool = False
    business_days_only: bool = False
    misfire_grace_s: int = Field(3600, ge=1)
    coalesce: bool = True
    max_concurrent: int = Field(1, ge=1)
    enabled: bool = True
    test_mode: bool = Field(False, description="run as a test run: allowed before the process's legal checklist is cleared")

    @field_validator("every", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return None if value is None else parse_duration(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"ukendt tidszone {value!r}; brug et IANA-navn som 'Europe/Copenhagen' / "
                f"unknown timezone {value!r}; use an IANA name such as 'Europe/Copenhagen'"
            ) from exc
        return value

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            crontab_trigger(value, ZoneInfo("UTC"))
        except ValueError as exc:
            raise ValueError(f"ugyldigt cron-udtryk / invalid cron expression {value!r}: {exc}") from exc
        return value

    @property
    def kind(self) -> TriggerKind:
        """The trigger kind, from the one trigger field that is set."""
        if self.cron is not None:
            return TriggerKind.CRON
        if self.every is not None:
            return TriggerKind.INTERVAL
        return TriggerKind.DATE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def describe(self) -> str:
        """The trigger as written, for listings: ``cron 30 2 * * 1-5``, ``every 0:15:00``, ``at ...``."""
        if self.kind is TriggerKind.CRON:
            return f"cron {self.cron}"
        if self.kind is TriggerKind.INTERVAL:
            return f"every {self.every}"
        return f"at {self.at.isoformat() if self.at else ''}"


class QueueTrigger(BaseModel):
    """Start a run of ``bot`` when at least ``min_items`` items wait in its queue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bot: str = Field(min_length=1)
    min_items: int = Field(1, ge=1)
    priority: int = 0
    params: dict[str, Any] = Field(default_factory=dict)
    cooldown_after_failure_s: float = Field(60.0, ge=0)
    enabled: bool = True
    test_mode: bool = Field(False, description="run as test runs: allowed before the process's legal checklist is cleared")


class ScheduleConfig(BaseModel):
    """Everything in ``schedules.toml``."""

    model_config = ConfigDict(frozen=True)

    file: Path | None = None
    calendar: CalendarConfig = CalendarConfig()
    schedules: tuple[Schedule, ...] = ()
    queue_triggers: tuple[QueueTrigger, ...] = ()

    def schedule(self, name: str) -> Schedule:
        """The schedule called ``name``.

        Raises:
            ConfigError: when there is none.
        """
        for item in self.schedules:
            if item.name == name:
                return item
        raise ConfigError(f"ingen kørselsplan hedder {name!r} / no schedule named {name!r}", file=self.file)


class ScheduleConfigError(ConfigError):
    """``schedules.toml`` has one or more problems; ``problems`` lists each with its entry."""

    def __init__(self, file: Path | None, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        where = f"{file}" if file else "schedules"
        super().__init__(f"{where}: {len(problems)} problem(er), intet blev indlæst / problem(s), nothing was loaded:\n{lines}")
        self.file = file


def _entry(section: str, index: int, raw: Any) -> str:
    name = raw.get("name") or raw.get("bot") if isinstance(raw, dict) else None
    return f"{section}[{index}]" + (f" {name!r}" if isinstance(name, str) else "")


def _entries(data: dict[str, Any], section: str, problems: list[str]) -> Iterator[tuple[str, Any]]:
    """Each ``[[section]]`` table with the name its problems go under; a section that is no array is a problem."""
    tables = data.get(section, [])
    if not isinstance(tables, list):
        problems.append(f"'{section}' skal være en liste af tabeller: skriv [[{section}]] / "
                        f"must be an array of tables: write [[{section}]]")
        return
    for index, raw in enumerate(tables, start=1):
        yield _entry(section, index, raw), raw


def _pydantic_problems(entry: str, exc: ValidationError) -> list[str]:
    return [f"{entry}: {field + ': ' if field else ''}{reason}" for field, reason, _, _ in validation_problems(exc)]


def _schedule_problems(entry: str, raw: dict[str, Any]) -> list[str]:
    problems = []
    given = [k for k in ("cron", "every", "at") if raw.get(k) is not None]
    if len(given) != 1:
        problems.append(
            f"{entry}: angiv præcis én af 'cron', 'every' eller 'at' / give exactly one of 'cron', 'every' or 'at' "
            f"(fundet/found: {', '.join(given) or 'ingen/none'})"
        )
    if "start" in raw and "every" not in raw:
        problems.append(f"{entry}: 'start' hører kun til 'every' / 'start' only goes with 'every'")
    if raw.get("at") is not None and (raw.get("skip_holidays") or raw.get("business_days_only")):
        problems.append(f"{entry}: en enkeltstående 'at'-plan kan ikke springe helligdage over; vælg en arbejdsdag / "
                        "a one-off 'at' schedule cannot skip holidays; pick a working day instead")
    return problems


def parse_schedules(
    data: dict[str, Any],
    *,
    known_bots: Iterable[str],
    file: Path | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> ScheduleConfig:
    """Validate parsed TOML data (see :func:`load_schedules`).

    Raises:
        ScheduleConfigError: listing every problem found, each naming its entry.
    """
    bots = set(known_bots)
    problems: list[str] = []
    for key in data:
        if key not in ("calendar", "schedule", "queue_trigger"):
            problems.append(
                f"ukendt afsnit / unknown section {key!r}; forventet/expected [calendar], [[schedule]], [[queue_trigger]]"
            )
    calendar = CalendarConfig()
    try:
        calendar = CalendarConfig.model_validate(data.get("calendar", {}))
    except ValidationError as exc:
        problems += _pydantic_problems("calendar", exc)

    schedules: list[Schedule] = []
    seen: dict[str, str] = {}
    for entry, raw in _entries(data, "schedule", problems):
        if not isinstance(raw, dict):
            problems.append(f"{entry}: skal være en tabel / must be a table")
            continue
        own = _schedule_problems(entry, raw)
        try:
            item = Schedule.model_validate({"timezone": timezone, **raw})
        except ValidationError as exc:
            problems += own + _pydantic_problems(entry, exc)
            continue
        problems += own
        if item.bot not in bots:
            problems.append(
                f"{entry}: ukendt bot / unknown bot {item.bot!r}; kendte/known: {', '.join(sorted(bots)) or 'ingen/none'}"
            )
        if item.name in seen:
            problems.append(f"{entry}: navnet {item.name!r} er allerede brugt / the name {item.name!r} is already used: {seen[item.name]}")
        seen.setdefault(item.name, entry)
        if not own:
            schedules.append(item)

    triggers: list[QueueTrigger] = []
    trigger_bots: dict[str, str] = {}
    for entry, raw in _entries(data, "queue_trigger", problems):
        try:
            trig = QueueTrigger.model_validate(raw)
        except ValidationError as exc:
            problems += _pydantic_problems(entry, exc)
            continue
        if trig.bot not in bots:
            problems.append(
                f"{entry}: ukendt bot / unknown bot {trig.bot!r}; kendte/known: {', '.join(sorted(bots)) or 'ingen/none'}"
            )
        if trig.bot in trigger_bots:
            problems.append(
                f"{entry}: bot {trig.bot!r} har allerede en køudløser / already has a queue trigger ({trigger_bots[trig.bot]})"
            )
        trigger_bots.setdefault(trig.bot, entry)
        triggers.append(trig)

    if problems:
        raise ScheduleConfigError(file, problems)
    return ScheduleConfig(
        file=file, calendar=calendar, schedules=tuple(schedules), queue_triggers=tuple(triggers)
    )


def load_schedules(
    path: Path, *, known_bots: Iterable[str], timezone: str = DEFAULT_TIMEZONE
) -> ScheduleConfig:
    """Read and validate ``schedules.toml``; a missing file means no schedules.

    Args:
        path: the file, usually ``settings.schedules_file``.
        known_bots: the names of the bots this installation has; others are reported.
        timezone: the default timezone (``settings.scheduler.timezone``).

    Raises:
        ScheduleConfigError: listing every problem with the file and entry; nothing is loaded.
    """
    if not path.is_file():
        return ScheduleConfig(file=None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScheduleConfigError(path, [f"ikke gyldig TOML / not valid TOML: {exc}"]) from exc
    return parse_schedules(data, known_bots=known_bots, file=path, timezone=timezone)


def check_params(config: ScheduleConfig, validate: Callable[[str, dict[str, Any]], None]) -> None:
    """Check every schedule's and queue trigger's ``params`` against its bot, before anything fires.

    Args:
        config: loaded schedules.
        validate: ``validate(bot, params)`` raises ``ConfigError`` naming the parameter (the
            runtime's own parameter check, with the bot's ``config.toml`` defaults).

    Raises:
        ScheduleConfigError: naming the file, each schedule or trigger and the parameter key.
    """
    problems: list[str] = []
    entries = [("schedule", s.name, s.bot, s.params) for s in config.schedules]
    entries += [("queue_trigger", t.bot, t.bot, t.params) for t in config.queue_triggers]
    for section, name, bot, params in entries:
        try:
            validate(bot, dict(params))
        except ConfigError as exc:
            key = f" [{exc.key}]" if exc.key else ""
            problems.append(f"{section} {name!r}{key}: {exc.message}")
    if problems:
        raise ScheduleConfigError(config.file, problems)
