"""Browser launch settings (no Playwright import: safe to import from the global settings)."""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

LINUX_CHROMIUM = "/usr/bin/chromium"
LINUX_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _default_executable() -> str | None:
    return LINUX_CHROMIUM if Path(LINUX_CHROMIUM).exists() else None


def _default_args() -> list[str]:
    return list(LINUX_ARGS) if sys.platform.startswith("linux") else []


class BrowserSettings(BaseModel):
    """How Playwright launches the browser: the system's Chromium on Linux, Edge via ``channel``.

    ``channel`` wins over ``executable_path`` when both are set.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    executable_path: str | None = Field(default_factory=_default_executable)
    channel: str | None = Field(None, description="e.g. 'msedge' or 'chrome' on Windows workstations")
    headless: bool = True
    args: list[str] = Field(default_factory=_default_args)
    timeout_ms: int = Field(15000, gt=0, description="default wait for actions and navigations")
    trace: bool = Field(False, description="record a Playwright trace (trace.zip) in the run folder")
