"""Demo step: look up 10 CVR numbers in the practice portal under a rate limit (429 + Retry-After)."""

from __future__ import annotations

from sepbots.demo import DemoContext
from sepbots.i18n import Catalog
from sepbots.practice.portal import ChaosConfig

from ..practice_portal import practice_portal_for_demo
from .sample import write_sample

ORDER = 21
TITLE = "CVR-opslag (opslag i portal) / company lookups (portal)"
T = Catalog(
    {
        "portal": (
            "Øvelsesportalen kører på {url} (højst 4 sider pr. sekund, ellers HTTP 429)",
            "The practice portal runs at {url} (at most 4 pages a second, else HTTP 429)",
        ),
        "out": ("Virksomhedsdata i {out}", "Company data in {out}"),
    }
)


def demo(ctx: DemoContext) -> None:
    source = write_sample(ctx.work_dir / "cvr-liste.csv", 10)
    out = ctx.work_dir / "cvr-opslag-resultat.xlsx"
    portal = practice_portal_for_demo(ctx, ChaosConfig(rate_limit_per_s=4, retry_after_s=1), lambda url: T(ctx.lang, "portal", url=url))
    with portal as (url, _portal):
        summary = ctx.run("cvr_opslag", {"input": str(source), "output": str(out), "portal_url": url})
    ctx.printer.line(T(ctx.lang, "out", out=summary.outputs[0] if summary.outputs else out))
