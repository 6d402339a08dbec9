"""Settings of the practice portal: users, session and lockout rules, chaos, data."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

PRACTICE_USERNAME = "robot"
PRACTICE_PASSWORD = "robot-pass-1"


class ChaosConfig(BaseModel):
    """Trouble the portal makes on purpose, for tests and demos.

    Chaos is applied before a request reaches a page, so a request answered with 500 or 429
    changed nothing on the server (a retry is always safe).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    latency_ms: int = Field(0, ge=0, description="added to every page request")
    error_rate: float = Field(
        0.0, ge=0.0, le=1.0, description="share of page requests answered with HTTP 500"
    )
    rate_limit_per_s: float | None = Field(
        None, gt=0, description="page requests allowed per second and client before HTTP 429"
    )
    retry_after_s: int = Field(1, ge=0, description="the Retry-After header sent with 429")
    slow_paths: list[str] = Field(default_factory=list, description="path prefixes answered slowly")
    slow_ms: int = Field(1500, ge=0, description="extra delay on slow paths")
    seed: int | None = Field(None, description="seed for the error dice; None = unpredictable")


class PortalConfig(BaseModel):
    """Everything that shapes one practice portal instance."""

    model_config = ConfigDict(extra="forbid")

    db_path: Path
    users: dict[str, SecretStr] = Field(
        default_factory=lambda: {PRACTICE_USERNAME: SecretStr(PRACTICE_PASSWORD)},
        description="username → password (hashed with argon2 when the app starts)",
    )
    session_minutes: float = Field(20.0, gt=0, description="idle time after which a session expires")
    lockout_after: int = Field(5, ge=1, description="failed logins in a row before the account is locked")
    lockout_minutes: float = Field(15.0, gt=0, description="how long a locked account stays locked")
    chaos: ChaosConfig = Field(default_factory=ChaosConfig)
    seed: int = Field(2026, description="seed for the generated companies")
    company_count: int = Field(500, ge=1)
    page_size: int = Field(20, ge=1, description="search results per page")
    secret_key: SecretStr = Field(
        default_factory=lambda: SecretStr(secrets.token_urlsafe(32)), description="signs the session cookie"
    )
