"""Capabilities: what a runner can do (``browser``, ``desktop``), and routing work only to runners that can.

A bot declares what it needs (``@bot(requires=("browser",))``); a runner declares what it offers in
its settings (``[fleet] capabilities = ["browser"]``; by default a runner offers every capability,
which suits a single workstation). ``capability_gate`` plugs into ``Runner(env, gate=...)`` and
refuses a run this runner cannot do; ``runnable`` lists the bots a runner should take work for.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable

from sepbots.exceptions import ConfigError
from sepbots.recipes import Recipe


class Capability(enum.StrEnum):
    """What a runner can offer to bots."""

    BROWSER = "browser"   # a browser Playwright can drive (Chromium or Edge)
    DESKTOP = "desktop"   # an interactive desktop (or Xvfb) for pyautogui


ALL = frozenset(Capability)


class MissingCapability(ConfigError):
    """A bot needs something this runner does not offer."""


def parse_capabilities(values: Iterable[str] | None, *, key: str = "fleet.capabilities") -> frozenset[Capability]:
    """The declared capabilities (None means all). Unknown names are a ``ConfigError`` naming the key."""
    if values is None:
        return ALL
    out = set()
    for v in values:
        try:
            out.add(Capability(v))
        except ValueError:
            known = ", ".join(c.value for c in Capability)
            raise ConfigError(f"ukendt evne / unknown capability {v!r} (kendte/known: {known})", key=key) from None
    return frozenset(out)


def missing(recipe: Recipe, offered: frozenset[Capability]) -> list[str]:
    """What ``recipe`` needs that is not offered (empty when the runner can run it)."""
    return sorted(set(getattr(recipe, "requires", ()) or ()) - {c.value for c in offered})


def runnable(recipes: Iterable[Recipe], offered: frozenset[Capability]) -> list[Recipe]:
    """The recipes whose work this runner may take."""
    return [r for r in recipes if not missing(r, offered)]


def capability_gate(offered: frozenset[Capability]) -> Callable[[Recipe, object, bool], None]:
    """A ``Runner`` gate that refuses runs of bots needing what this runner does not offer."""

    def gate(recipe: Recipe, _trigger: object, _test_mode: bool) -> None:
        lacking = missing(recipe, offered)
        if lacking:
            raise MissingCapability(f"bot {recipe.name} kræver noget, denne runner ikke har / "
                                    f"bot {recipe.name} needs what this runner does not offer: "
                                    f"{', '.join(lacking)}",
                                    key="fleet.capabilities")

    return gate
