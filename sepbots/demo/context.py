"""What a demo step gets: the installation, the language, a printer and a folder for its outputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sepbots.environment import Environment
from sepbots.runtime import Runner, RunStatus, RunSummary, Trigger

if TYPE_CHECKING:
    from sepbots.reports.figures import GainsFigures


class DemoPrinter(Protocol):
    """Where the demo's steps write what people read (the CLI's prints with rich)."""

    def rule(self, title: str) -> None:
        """A heading line (the demo's title, each step's title)."""

    def line(self, text: str) -> None:
        """One message, printed as it is."""

    def run_summary(self, summary: RunSummary, lang: str) -> None:
        """A bot run's summary, as ``sepbots run`` shows it."""

    def gains(self, figures: GainsFigures, lang: str) -> None:
        """The measured gains, as ``sepbots report gains`` shows them."""


@dataclass
class DemoContext:
    """What a demo step gets."""

    env: Environment
    lang: str
    printer: DemoPrinter
    work_dir: Path
    results: dict[str, Any] = field(default_factory=dict)

    def run(self, bot: str, params: dict[str, Any], trigger: Trigger = Trigger.MANUAL) -> RunSummary:
        """Run a bot and print its summary; raises if the run failed."""
        summary = Runner(self.env).run(bot, params, trigger=trigger, test_mode=True)
        self.printer.run_summary(summary, self.lang)
        if summary.status is RunStatus.FAILED:
            raise RuntimeError(summary.error or "the run failed")
        self.results[bot] = summary
        return summary


@dataclass(frozen=True)
class DemoStep:
    order: int
    title: str
    func: Callable[[DemoContext], object]  # what a step returns is not used
