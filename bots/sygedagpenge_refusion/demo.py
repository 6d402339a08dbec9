"""Demo step: submit 12 generated refund claims in the practice portal, with 10 % HTTP 500s."""

from __future__ import annotations

from sepbots.demo import DemoContext
from sepbots.i18n import Catalog
from sepbots.practice.portal import ChaosConfig

from ..practice_portal import practice_portal_for_demo
from .sample import write_sample

ORDER = 20
TITLE = "Sygedagpengerefusion (formularudfyldning i portal) / sickness-benefit refunds (portal form filling)"
T = Catalog(
    {
        "portal": (
            "Øvelsesportalen kører på {url} (10 % af siderne svarer HTTP 500)",
            "The practice portal runs at {url} (10 % of pages answer HTTP 500)",
        ),
        "check": (
            "Portalen har modtaget {n} anmodninger — én pr. gyldig række; kvitteringer i {out}",
            "The portal received {n} requests — one per valid row; receipts in {out}",
        ),
        "again": (
            "Samme input igen: {added} nye elementer, {n} anmodninger i portalen (intet sendt to gange)",
            "Same input again: {added} new items, {n} requests in the portal (nothing sent twice)",
        ),
    }
)


def demo(ctx: DemoContext) -> None:
    source = write_sample(ctx.work_dir / "sygedagpenge-krav.xlsx", 12)
    out = ctx.work_dir / "sygedagpenge-resultat.xlsx"
    chaos = ChaosConfig(error_rate=0.1, seed=2026)
    with practice_portal_for_demo(ctx, chaos, lambda url: T(ctx.lang, "portal", url=url)) as (url, portal):
        params = {"input": str(source), "output": str(out), "portal_url": url}
        first = ctx.run("sygedagpenge_refusion", params)
        submitted = len(portal.db.submissions())
        ctx.printer.line(T(ctx.lang, "check", n=submitted, out=first.outputs[0] if first.outputs else out))
        again = ctx.run("sygedagpenge_refusion", params)
        ctx.printer.line(T(ctx.lang, "again", added=again.counts.added, n=len(portal.db.submissions())))
        if len(portal.db.submissions()) != submitted:
            raise RuntimeError("a claim was submitted twice")
