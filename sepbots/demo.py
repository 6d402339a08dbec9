"""``sepbots demo``: the main job end to end on the embedded default, with real inputs.

Each reference bot contributes a step in ``bots/<name>/demo.py`` (``ORDER`` and ``demo(ctx)``);
framework features (schedules, gains, dashboard) add steps here. The demo works in
``<home>/var/demo/`` and leaves its outputs there for people to open.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from sepbots.environment import Environment
from sepbots.i18n import Catalog
from sepbots.runtime import Runner, RunStatus, RunSummary, Trigger

T = Catalog({
    "title": ("sepbots demo — alt kører lokalt på en SQLite-fil i {home}",
              "sepbots demo — everything runs locally on a SQLite file in {home}"),
    "step": ("Trin {n}: {title}", "Step {n}: {title}"),
    "outputs": ("Resultater ligger i {dir}", "Outputs are in {dir}"),
    "failed": ("Demoen fejlede i trinnet {title}: {error}", "The demo failed in step {title}: {error}"),
    "done": ("Demoen er færdig: {n} trin gennemført.", "The demo is finished: {n} steps completed."),
    "verify": ("Revisionssporet er intakt ({rows} rækker).", "The audit trail is intact ({rows} rows)."),
})


@dataclass
class DemoContext:
    """What a demo step gets."""

    env: Environment
    lang: str
    console: Console
    work_dir: Path
    results: dict[str, Any] = field(default_factory=dict)

    def run(self, bot: str, params: dict[str, Any], trigger: Trigger = Trigger.MANUAL) -> RunSummary:
        """Run a bot and print its summary; raises if the run failed."""
        from sepbots.cli.run import print_summary

        summary = Runner(self.env).run(bot, params, trigger=trigger, test_mode=True)
        print_summary(summary, self.lang, self.console)
        if summary.status is RunStatus.FAILED:
            raise RuntimeError(summary.error or "the run failed")
        self.results[bot] = summary
        return summary


@dataclass(frozen=True)
class DemoStep:
    order: int
    title: str
    func: Callable[[DemoContext], object]  # what a step returns is not used


def bot_steps(env: Environment) -> list[DemoStep]:
    """Demo steps contributed by the bots (``bots/<name>/demo.py``)."""
    steps = []
    for recipe in env.registry:
        module_name = recipe.func.__module__.rsplit(".", 1)[0] + ".demo"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        steps.append(DemoStep(getattr(module, "ORDER", 50), getattr(module, "TITLE", recipe.name), module.demo))
    return steps


def _verify_audit(ctx: DemoContext) -> None:
    result = ctx.env.audit.verify()
    if not result.ok:
        raise RuntimeError(f"audit chain broken at {result.broken_seq}: {result.reason}")
    ctx.console.print(T(ctx.lang, "verify", rows=result.rows))


def framework_steps() -> list[DemoStep]:
    """Steps of sepbots itself (imported late: the demo module is imported by bots' demo steps)."""
    from sepbots.dashboard import demo as dashboard_demo
    from sepbots.gains_demo import GAINS_TITLE, RETENTION_TITLE, demo_gains, demo_retention
    from sepbots.scheduling.demo import SCHEDULE_ORDER, SCHEDULE_TITLE, schedule_demo

    return [
        DemoStep(SCHEDULE_ORDER, SCHEDULE_TITLE, schedule_demo),
        DemoStep(800, GAINS_TITLE, demo_gains),
        DemoStep(850, RETENTION_TITLE, demo_retention),
        DemoStep(dashboard_demo.ORDER, dashboard_demo.TITLE, dashboard_demo.demo),
        DemoStep(900, "Revisionsspor / audit trail", _verify_audit),
    ]


def run_demo(env: Environment, lang: str, console: Console | None = None) -> int:
    """Run every demo step in order; returns the process exit code."""
    console = console or Console()
    work_dir = env.settings.var_dir / "demo"
    work_dir.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(env=env, lang=lang, console=console, work_dir=work_dir)
    steps = sorted([*bot_steps(env), *framework_steps()], key=lambda s: s.order)
    console.rule(T(lang, "title", home=env.settings.home))
    for n, step in enumerate(steps, start=1):
        console.rule(T(lang, "step", n=n, title=step.title))
        try:
            step.func(ctx)
        except Exception as exc:
            console.print(T(lang, "failed", title=step.title, error=f"{type(exc).__name__}: {exc}"))
            return 1
    console.print(T(lang, "outputs", dir=work_dir))
    console.print(T(lang, "done", n=len(steps)))
    return 0
