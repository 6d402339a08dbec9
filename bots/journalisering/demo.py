"""Demo step: file ten documents (two of them refused) in the practice case system on a virtual display."""

from __future__ import annotations

import os
import shutil
import sys

from sepbots.demo import DemoContext

from .sample import write_sample

ORDER = 30
TITLE = "Journalisering i sagssystemet (skrivebord) / filing in a desktop case system"
TEXTS = {
    "da": {
        "skip": "Springer over: ingen skærm og intet Xvfb (installér Debian-pakken xvfb).",
        "filed": "→ {out}\n  sagssystemets journal: {db}",
    },
    "en": {
        "skip": "Skipped: no display and no Xvfb (install the Debian package xvfb).",
        "filed": "→ {out}\n  the case system's journal: {db}",
    },
}


def demo(ctx: DemoContext) -> None:
    """Run ``journalisering`` on a generated workbook; the case system runs under Xvfb on Linux."""
    texts = TEXTS.get(ctx.lang, TEXTS["da"])
    if sys.platform.startswith("linux") and not shutil.which("Xvfb") and not os.environ.get("DISPLAY"):
        ctx.printer.line(texts["skip"])
        return
    source = write_sample(ctx.work_dir / "dokumenter.xlsx", 10, invalid_every=5)
    output = ctx.work_dir / "journalisering-resultat.xlsx"
    app_db = ctx.work_dir / "sagssystem-journal.db"
    summary = ctx.run(
        "journalisering",
        {
            "input": str(source),
            "output": str(output),
            "launch_app": True,
            "app_db": str(app_db),
            "app_delay_ms": 300,
            "app_slow_every_n": 4,
        },
    )
    ctx.printer.line(texts["filed"].format(out=summary.outputs[0] if summary.outputs else output, db=app_db))
