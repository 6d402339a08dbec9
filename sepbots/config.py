"""Settings: one typed object, loaded once at the entry point and passed down.

Sources, strongest first: explicit overrides, environment (``SEPBOTS_`` prefix, ``__`` for nesting,
e.g. ``SEPBOTS_DATABASE__URL``), the TOML file ``<home>/config/sepbots.toml``, then defaults.
``SEPBOTS_HOME`` (default: the project folder) decides where the database, ``logs/`` and run
artifacts live, so a second installation or a test never touches the first.
"""

from __future__ import annotations

import os
import string
import sys
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sepbots.exceptions import ConfigError
from sepbots.i18n import Language
from sepbots.i18n.validation import validation_problems


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Section):
    """Where the work queue, runs and audit trail are stored."""

    url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite file <home>/var/sepbots.db")
    busy_timeout_s: float = Field(30.0, gt=0, description="SQLite: how long a writer waits for the lock")
    pool_size: int = Field(5, ge=1)


class QueueSettings(_Section):
    """Claim leases and polling."""

    lease_s: float = Field(60.0, gt=0, description="a claimed item returns to the queue this long after its runner's last heartbeat")
    heartbeat_s: float = Field(15.0, gt=0, description="how often a runner renews its lease while an item runs")
    poll_s: float = Field(0.2, gt=0, description="wait between empty polls while retries are pending")


class LoggingSettings(_Section):
    """structlog output."""

    level: Literal["debug", "info", "warning", "error"] = "info"
    json_file: bool = True
    console: Literal["auto", "always", "never"] = "auto"


class BrowserSettings(_Section):
    """How Playwright launches the browser: the system's Chromium on Linux, Edge via ``channel``.

    ``channel`` wins over ``executable_path`` when both are set.
    """

    executable_path: str | None = Field(
        default_factory=lambda: "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    channel: str | None = Field(None, description="e.g. 'msedge' or 'chrome' on Windows workstations")
    headless: bool = True
    args: list[str] = Field(
        default_factory=lambda: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ]
        if sys.platform.startswith("linux")
        else []
    )
    timeout_ms: int = Field(15000, gt=0, description="default wait for actions and navigations")
    trace: bool = Field(False, description="record a Playwright trace (trace.zip) in the run folder")


class DesktopSettings(_Section):
    """pyautogui and the virtual display used for unattended Linux runs."""

    virtual_display: bool = True
    display_size: str = Field("1280x800", pattern=r"^\d+x\d+$")
    timeout_s: float = Field(10.0, gt=0)
    typing_interval_s: float = Field(0.0, ge=0)


class LettersSettings(_Section):
    """LibreOffice for PDF letters (``sepbots.letters``)."""

    soffice: str | None = Field(None, description="path to soffice; default: on PATH or the usual install folder")
    timeout_s: float = Field(120.0, gt=0, description="longest a PDF rendering may take before it is killed")


class SchedulerSettings(_Section):
    """The runner service's scheduler."""

    timezone: str = "Europe/Copenhagen"
    schedules_file: Path | None = Field(None, description="default: <home>/config/schedules.toml")


class DashboardSettings(_Section):
    """The operations dashboard."""

    host: str = "127.0.0.1"
    port: int = Field(8600, ge=0, le=65535)
    session_minutes: int = Field(480, gt=0)
    login_failures_per_user: int = Field(5, ge=1, description="failed logins per user name and address in 5 minutes")
    login_failures_per_address: int = Field(20, ge=1, description="failed logins per client address in 5 minutes")
    login_failures_total: int = Field(100, ge=1, description="failed logins on the whole dashboard in 5 minutes")
    tls_cert: Path | None = Field(None, description="PEM certificate: serve HTTPS (Secure cookies, HSTS)")
    tls_key: Path | None = Field(None, description="PEM private key for tls_cert")
    forwarded_allow_ips: str | None = Field(
        None, description="proxies trusted for X-Forwarded-For/-Proto, e.g. '127.0.0.1' (comma-separated, or '*')")


class VaultSettings(_Section):
    """Where the encryption key for credentials and item payloads comes from."""

    key_file: Path | None = Field(None, description="default: <home>/var/keys/sepbots.key (owner-only)")
    encrypt_payloads: bool = True


class GainsSettings(BaseModel):
    """Money, time and screening parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fte_cost_dkk: Decimal = Field(
        Decimal("651200"), gt=0, description="fully loaded yearly cost of one full-time equivalent (FTE)"
    )
    hourly_cost_dkk: Decimal = Field(
        Decimal("400"), gt=0, description="kroner per staff hour = fte_cost_dkk / net_hours_per_fte (derived)"
    )
    net_hours_per_fte: Decimal = Field(Decimal("1628"), gt=0, description="productive hours in one FTE-year")
    ramp_up_share: Decimal = Field(
        Decimal("0.5"), ge=0, le=1, description="share of the yearly gain realised in the first year of operation"
    )
    discount_rate: Decimal = Field(Decimal("0.035"), ge=0, lt=1, description="real discount rate per year")
    horizon_years: int = Field(5, ge=1, le=30, description="years the NPV counts")
    developer_hourly_cost_dkk: Decimal = Field(
        Decimal("400"), gt=0, description="values development hours when no implementation cost is given"
    )
    running_cost_share: Decimal = Field(
        Decimal("0.15"),
        ge=0,
        le=1,
        description="yearly running cost as a share of implementation when none is given (10–20 % est.)",
    )
    manual_handling_minutes: Decimal = Field(
        Decimal("5"), ge=0, description="minutes a person spends on an item the robot handed over"
    )
    high_potential_hours: Decimal = Field(
        Decimal("400"),
        ge=0,
        description="yearly hours from which a process counts as high potential (KL stars)",
    )
    score_hours_cap: Decimal = Field(
        Decimal("1628"), gt=0, description="yearly hours that earn the full potential part of the score"
    )

    @model_validator(mode="before")
    @classmethod
    def _kroner_per_hour(cls, data: Any) -> Any:
        """Kroner per hour follow from the FTE cost and hours (give one of ``fte_cost_dkk``/``hourly_cost_dkk``)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        try:
            hours = Decimal(str(data.get("net_hours_per_fte", "1628")))
            fte = None if data.get("fte_cost_dkk") is None else Decimal(str(data["fte_cost_dkk"]))
            hourly = None if data.get("hourly_cost_dkk") is None else Decimal(str(data["hourly_cost_dkk"]))
        except ArithmeticError:
            return data  # not numbers: the fields' own validation names the key
        if not hours.is_finite() or hours <= 0:
            return data
        if fte is not None and hourly is not None:
            if abs(fte / hours - hourly) > Decimal("0.01"):
                raise ValueError(
                    "gains.fte_cost_dkk og gains.hourly_cost_dkk passer ikke sammen: angiv kun den ene / "
                    "gains.fte_cost_dkk and gains.hourly_cost_dkk disagree: give one of them "
                    "(kroner i timen/per hour = fte_cost_dkk / net_hours_per_fte)"
                )
        elif fte is not None:
            data["hourly_cost_dkk"] = fte / hours
        elif hourly is not None:
            data["fte_cost_dkk"] = hourly * hours
        else:
            data["fte_cost_dkk"] = Decimal("400") * hours
        return data


_OUTPUT_FIELDS = frozenset({"stem", "suffix", "date", "run", "bot"})


class OutputSettings(_Section):
    """How output files are named: each run writes its own file, so no run replaces another's result.

    ``name`` is a template with ``{stem}`` and ``{suffix}`` (of the path the bot asks for), ``{date}``
    (the run's start, Danish calendar day, YYYY-MM-DD), ``{run}`` (the run id's first 8 characters)
    and ``{bot}``. It must contain ``{run}``.
    """

    name: str = Field("{stem}-{date}-{run}{suffix}", description="output file name template; must contain {run}")

    @field_validator("name")
    @classmethod
    def _has_run(cls, value: str) -> str:
        fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        unknown = fields - _OUTPUT_FIELDS
        if unknown:
            raise ValueError(f"ukendte felter / unknown field(s) {sorted(unknown)}; brug/use {sorted(_OUTPUT_FIELDS)}")
        if "run" not in fields:
            raise ValueError("skal indeholde {run}, så en kørsel aldrig erstatter en anden kørsels resultat / "
                             "must contain {run}, so that a run never replaces another run's output")
        if "/" in value or "\\" in value:
            raise ValueError("et filnavn, ikke en sti / a file name, not a path")
        return value


class FleetSettings(_Section):
    """This runner's part in a fleet (several runners sharing one PostgreSQL database)."""

    capabilities: list[str] | None = Field(
        None, description="what this runner offers bots: browser, desktop (default: everything)")


class MunicipalitySettings(_Section):
    """The installation's municipality: the catalogue's volumes are scaled to its size.

    A volume counted in a reference municipality is multiplied by the ratio of this municipality's
    driver (inhabitants, employees, invoices) to the reference's (docs/catalogue.md, "Scaling").
    """

    name: str = Field("Kommunen", min_length=1, description="shown in reports and bundles")
    inhabitants: int = Field(ge=1, description="inhabitants (Danmarks Statistik, FOLK1A)")
    employees: int | None = Field(None, ge=1, description="employees (headcount); default: not scaled by staff")
    invoices_per_year: int | None = Field(None, ge=1, description="incoming invoices a year, if counted")


class Settings(_Section):
    """All sepbots settings."""

    home: Path
    language: Language = Language.DA
    bots_dirs: list[Path] = Field(default_factory=list, description="default: [<home>/bots]")
    database: DatabaseSettings = DatabaseSettings()
    queue: QueueSettings = QueueSettings()
    logging: LoggingSettings = LoggingSettings()
    browser: BrowserSettings = BrowserSettings()
    desktop: DesktopSettings = DesktopSettings()
    letters: LettersSettings = LettersSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    dashboard: DashboardSettings = DashboardSettings()
    vault: VaultSettings = VaultSettings()
    gains: GainsSettings = GainsSettings()
    catalogue_dir: Path | None = Field(None, description="default: <home>/config/catalogue")
    municipality: MunicipalitySettings | None = Field(
        None, description="scale the catalogue's volumes to this municipality (none: reference volumes)"
    )


    fleet: FleetSettings = FleetSettings()
    outputs: OutputSettings = OutputSettings()
    config_file: Path | None = None

    @property
    def var_dir(self) -> Path:
        """Machine state: database, keys, run artifacts."""
        return self.home / "var"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def runs_dir(self) -> Path:
        return self.var_dir / "runs"

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{(self.var_dir / 'sepbots.db').as_posix()}"

    @property
    def key_file(self) -> Path:
        return self.vault.key_file or self.var_dir / "keys" / "sepbots.key"

    @property
    def schedules_file(self) -> Path:
        return self.scheduler.schedules_file or self.home / "config" / "schedules.toml"

    @property
    def catalogue_path(self) -> Path:
        return self.catalogue_dir or self.home / "config" / "catalogue"

    @property
    def bot_paths(self) -> list[Path]:
        return self.bots_dirs or [self.home / "bots"]


ENV_PREFIX = "SEPBOTS_"


def find_home(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``config/sepbots.toml``, else ``start``."""
    for folder in (start, *start.parents):
        if (folder / "config" / "sepbots.toml").is_file():
            return folder
    return start


def _env_tree(environ: Mapping[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name in (f"{ENV_PREFIX}HOME", f"{ENV_PREFIX}KEY"):
            continue
        path = name[len(ENV_PREFIX):].lower().split("__")
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError("miljøvariablen ligger under en enkelt værdi / environment variable nests under a plain value", key=name)
        node[path[-1]] = value
    return tree


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_settings(
    home: Path | str | None = None,
    *,
    config_file: Path | str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Load settings once, at an entry point.

    Args:
        home: the sepbots home; default ``SEPBOTS_HOME`` or the project folder around the cwd.
        config_file: a TOML file; default ``<home>/config/sepbots.toml`` when it exists.
        environ: the environment to read (default ``os.environ``); tests pass their own.
        overrides: values that win over every other source, as a nested mapping.

    Raises:
        ConfigError: naming the key and the file of the first invalid value.
    """
    env = os.environ if environ is None else environ
    if home is None:
        home = env.get(f"{ENV_PREFIX}HOME") or find_home(Path.cwd())
    home_path = Path(home).expanduser().resolve()
    file = Path(config_file) if config_file else home_path / "config" / "sepbots.toml"
    data: dict[str, Any] = {}
    if file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"ikke gyldig TOML / not valid TOML: {exc}", file=file) from exc
    elif config_file:
        raise ConfigError("konfigurationsfilen findes ikke / config file not found", file=file)
    data = _merge(data, _env_tree(env))
    data = _merge(data, dict(overrides or {}))
    data["home"] = home_path
    data["config_file"] = file if file.is_file() else None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = validation_problems(exc)[0]
        source = file if file.is_file() else None
        raise ConfigError(f"ugyldig indstilling / invalid setting: {first.reason}", key=first.field, file=source) from exc
