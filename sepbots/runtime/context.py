"""``BotContext``: what an item processor, producer or finish step gets besides the item."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import structlog
from pydantic import BaseModel

from sepbots.clock import Clock, local
from sepbots.config import Settings
from sepbots.exceptions import StopRequested

if TYPE_CHECKING:
    from sepbots.environment import Environment
    from sepbots.recipes import Recipe
    from sepbots.runtime.models import StopToken
    from sepbots.vault import Credential

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")


class BotContext(Generic[P]):
    """Settings, parameters, logger, clock and run-scoped resources for one run.

    Resources opened with ``use`` live for the whole run (one browser for all items) and are
    closed by the runtime when the run ends, whatever happened.
    """

    def __init__(
        self,
        *,
        env: Environment,
        recipe: Recipe,
        params: P,
        run_id: str,
        run_dir: Path,
        stack: ExitStack,
        stop: StopToken,
        test_mode: bool = False,
        started_at: datetime | None = None,
    ) -> None:
        self._env = env
        self.recipe = recipe
        self.params = params
        self.run_id = run_id
        self.run_dir = run_dir
        self.test_mode = test_mode
        self._stack = stack
        self._stop = stop
        self._resources: dict[str, Any] = {}
        self._started_at = started_at
        self._outputs: list[Path] = []
        self.log: structlog.stdlib.BoundLogger = structlog.get_logger(f"sepbots.bots.{recipe.name}")

    @property
    def settings(self) -> Settings:
        return self._env.settings

    @property
    def clock(self) -> Clock:
        return self._env.clock

    @property
    def lang(self) -> str:
        return self._env.settings.language

    @property
    def bot(self) -> str:
        return self.recipe.name

    def use(self, key: str, factory: Callable[[], R]) -> R:
        """The run's resource ``key``, opened by ``factory()`` on first use and closed at run end."""
        if key in self._resources:
            return self._resources[key]  # type: ignore[no-any-return]  # resources of every type share one dict; key and factory belong together
        resource = factory()
        if isinstance(resource, AbstractContextManager):
            resource = self._stack.enter_context(resource)
        elif hasattr(resource, "close"):
            self._stack.callback(resource.close)
        self._resources[key] = resource
        return resource

    @property
    def resources(self) -> dict[str, Any]:
        """The resources opened so far, by key."""
        return dict(self._resources)

    def begin_attempt(self) -> None:
        """Tell the run's resources that a new item attempt starts (evidence is taken only of those it uses)."""
        for resource in self._resources.values():
            begin = getattr(resource, "begin_attempt", None)
            if begin is not None:
                begin()

    def output_path(self, path: Path | str) -> Path:
        """This run's own output file for ``path``: ``resultat.xlsx`` becomes ``resultat-2026-12-01-1a2b3c4d.xlsx``.

        Every run writes its own file, named by the ``outputs.name`` setting (it always holds the
        run id), so a later, smaller run — a queue-triggered retry of one item — never replaces an
        earlier run's result. The folder is created; the path is listed in ``RunSummary.outputs``.
        """
        base = Path(path)
        moment = self._started_at or self.clock.now()
        name = self.settings.outputs.name.format(stem=base.stem, suffix=base.suffix, date=local(moment).date().isoformat(),
                                                 run=self.run_id[:8], bot=self.recipe.name)
        target = base.with_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target not in self._outputs:
            self._outputs.append(target)
        return target

    @property
    def outputs(self) -> tuple[Path, ...]:
        """The output files this run asked for with :meth:`output_path`, in order."""
        return tuple(self._outputs)

    def credential(self, name: str) -> Credential:
        """A credential from the vault; its value is redacted from all logs from now on."""
        return self._env.vault.get(name, actor=self._env.runner_id, bot=self.recipe.name, run_id=self.run_id)

    def fleet_slot(self, name: str, limit: int = 1, *, ttl_s: float = 600.0) -> AbstractContextManager[Any]:
        """Hold one of ``limit`` fleet-wide slots named ``name`` for a ``with`` block.

        For limits of the other system, e.g. ``with ctx.fleet_slot("credential:portal"):`` allows one
        portal session per login across every runner. Raises ``SlotBusy`` (an application error,
        so the item is retried later) when all slots are held; a runner that dies frees its slot
        after ``ttl_s``.
        """
        from sepbots.store.slots import FleetSlots  # loaded when a bot first asks for a slot

        return FleetSlots(self._env.store, owner=self._env.runner_id, clock=self._env.clock, ttl_s=ttl_s).hold(
            name, limit)

    def record_units(self, *, done: int, handed_over: int = 0) -> None:
        """Record counting units this run handled, for a bot declared with ``Gains(counted=Counting.RUN)``.

        E.g. a reconciliation: ``done`` = statement lines matched, ``handed_over`` = lines left to a
        person. Stored at once (one row per call), so the gains count them without a work item per line.
        """
        from sepbots.unitcounts import record_unit_counts

        record_unit_counts(self._env.store, run_id=self.run_id, bot=self.recipe.name, process=self.recipe.process,
                           done=done, handed_over=handed_over, now=self._env.clock.now())

    def check_stop(self) -> None:
        """Raise ``StopRequested`` if a stop was requested (for long loops inside one item)."""
        if self._stop.requested:
            raise StopRequested()

    @property
    def stop_requested(self) -> bool:
        return self._stop.requested
