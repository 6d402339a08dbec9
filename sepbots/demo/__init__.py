"""``sepbots demo``: the main job end to end on the embedded default, with real inputs.

Each reference bot contributes a step in ``bots/<name>/demo.py`` (``ORDER`` and ``demo(ctx)``);
framework features add steps in this package (``schedule``, ``gains``, ``dashboard``). The demo
works in ``<home>/var/demo/`` and leaves its outputs there for people to open.

A step writes through ``ctx.printer`` (a ``DemoPrinter``); the command line passes one that prints
with rich (``sepbots.cli.demo.ConsolePrinter``), so no module here imports the command line.
"""

from __future__ import annotations

import importlib

from sepbots.demo.context import DemoContext, DemoPrinter, DemoStep
from sepbots.environment import Environment
from sepbots.i18n import Catalog

__all__ = ["DemoContext", "DemoPrinter", "DemoStep", "bot_steps", "framework_steps", "run_demo"]

T = Catalog({
    "title": ("sepbots demo — alt kører lokalt på en SQLite-fil i {home}",
              "sepbots demo — everything runs locally on a SQLite file in {home}"),
    "step": ("Trin {n}: {title}", "Step {n}: {title}"),
    "outputs": ("Resultater ligger i {dir}", "Outputs are in {dir}"),
    "failed": ("Demoen fejlede i trinnet {title}: {error}", "The demo failed in step {title}: {error}"),
    "done": ("Demoen er færdig: {n} trin gennemført.", "The demo is finished: {n} steps completed."),
    "verify": ("Revisionssporet er intakt ({rows} rækker).", "The audit trail is intact ({rows} rows)."),
})


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
    ctx.printer.line(T(ctx.lang, "verify", rows=result.rows))


def framework_steps() -> list[DemoStep]:
    """Steps of sepbots itself (imported late: they import the dashboard, reports and the scheduler)."""
    from sepbots.demo import dashboard as dashboard_demo
    from sepbots.demo.gains import GAINS_TITLE, RETENTION_TITLE, demo_gains, demo_retention
    from sepbots.demo.schedule import SCHEDULE_ORDER, SCHEDULE_TITLE, schedule_demo

    return [
        DemoStep(SCHEDULE_ORDER, SCHEDULE_TITLE, schedule_demo),
        DemoStep(800, GAINS_TITLE, demo_gains),
        DemoStep(850, RETENTION_TITLE, demo_retention),
        DemoStep(dashboard_demo.ORDER, dashboard_demo.TITLE, dashboard_demo.demo),
        DemoStep(900, "Revisionsspor / audit trail", _verify_audit),
    ]


def run_demo(env: Environment, lang: str, printer: DemoPrinter) -> int:
    """Run every demo step in order, printing through ``printer``; returns the process exit code."""
    work_dir = env.settings.var_dir / "demo"
    work_dir.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(env=env, lang=lang, printer=printer, work_dir=work_dir)
    steps = sorted([*bot_steps(env), *framework_steps()], key=lambda s: s.order)
    printer.rule(T(lang, "title", home=env.settings.home))
    for n, step in enumerate(steps, start=1):
        printer.rule(T(lang, "step", n=n, title=step.title))
        try:
            step.func(ctx)
        except Exception as exc:
            printer.line(T(lang, "failed", title=step.title, error=f"{type(exc).__name__}: {exc}"))
            return 1
    printer.line(T(lang, "outputs", dir=work_dir))
    printer.line(T(lang, "done", n=len(steps)))
    return 0
