"""Settings for screening, business cases and measured gains (mounted as ``settings.gains``).

Defaults and their grounds (docs/catalogue.md, "Parameters"):

* ``hourly_cost_dkk`` 400 — the rate Statens Administration used in 2018 (itchefer.dk); a municipal
  clerk fully loaded is about 350–450 DKK/h (estimate).
* ``net_hours_per_fte`` 1,628 — gross 37 h × 52 weeks = 1,924 h (boligsektor.dk) minus six weeks'
  holiday (5 weeks ferie + 5 feriefridage = 222 h) minus ten weekday public holidays (74 h); within
  the research's 1,600–1,700 h estimate. Sickness is not deducted (set your own figure).
* ``discount_rate`` 0.035 — Finansministeriet's rate from 7 Jan 2021 (4 % before).
* ``horizon_years`` 5 — the upper end of the estimated 3–5-year robot life.
"""

from __future__ import annotations

from sepbots.config import GainsSettings

__all__ = ["GainsSettings"]
