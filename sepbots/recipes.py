"""Declaring bots: ``@bot(...)``, the ``Recipe`` it attaches, and discovery of bots.

The decorator validates the declaration, attaches a frozen ``Recipe`` to the function and returns
the function unchanged (signature kept). Discovery imports ``bots/<name>/bot.py`` from the
configured folders and the ``sepbots.bots`` entry-point group, and collects every decorated
function it finds. There is no global registry: a ``Registry`` is built where it is needed.
"""

from __future__ import annotations

import enum
import hashlib
import importlib
import importlib.util
import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from sepbots.exceptions import RecipeError
from sepbots.workitems.models import WorkItem

RECIPE_ATTR = "__sepbots_recipe__"
F = TypeVar("F", bound=Callable[..., Any])
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


class Counting(enum.StrEnum):
    """Where a bot's counting units come from."""

    ITEMS = "items"  # one work item = one unit: done items are done, manual-handling items handed over
    RUN = "run"  # the run records its counts (``ctx.record_units``); its items are not units


@dataclass(frozen=True)
class Gains:
    """What a bot claims for the gains: the process step it covers, its counting unit, credited minutes.

    ``unit`` is the process's unit in Danish (``"faktura"``; checked against the catalogue's
    ``unit.da``); ``credited_minutes`` are the manual minutes one unit done by the robot saves
    (at most the process's baseline ``minutes_per_occurrence``: a bot that only pre-checks an
    invoice credits the checking minutes, not the whole handling).
    """

    unit: str
    credited_minutes: Decimal
    step: str = ""
    counted: Counting = Counting.ITEMS

    def __post_init__(self) -> None:
        minutes = Decimal(str(self.credited_minutes))
        if minutes < 0:
            raise RecipeError(f"gains: credited_minutes må ikke være negativ / must not be negative: {minutes}")
        object.__setattr__(self, "credited_minutes", minutes)
        if not self.unit.strip():
            raise RecipeError("gains: unit skal være processens tælleenhed / unit must name the process's counting unit")


class NoParams(BaseModel):
    """Parameters of a bot that takes none."""


@dataclass(frozen=True)
class Recipe:
    """Everything the runtime needs to know about one bot."""

    name: str
    func: Callable[..., Any]
    payload_type: type[BaseModel]
    params_type: type[BaseModel]
    process: str | None = None
    queue: str = ""
    producer: Callable[..., Iterable[Any]] | None = None
    finish: Callable[..., Any] | None = None
    max_attempts: int = 3
    retry_delay: timedelta = timedelta(seconds=30)
    backoff: float = 2.0
    max_retry_delay: timedelta = timedelta(hours=1)
    timeout: timedelta | None = None
    description: str = ""
    source: Path | None = None
    item_type: Any = field(default=None, compare=False)
    requires: tuple[str, ...] = ()
    gains: Gains | None = None

    mask: tuple[str, ...] = ()

    def retry_delay_for(self, attempt: int) -> timedelta:
        """The wait before attempt ``attempt + 1`` after ``attempt`` failed."""
        seconds = self.retry_delay.total_seconds() * self.backoff ** max(attempt - 1, 0)
        return timedelta(seconds=min(seconds, self.max_retry_delay.total_seconds()))


def _payload_from_annotation(func: Callable[..., Any]) -> type[BaseModel] | None:
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable forward refs: fall back to an explicit payload=
        return None
    params = list(inspect.signature(func).parameters)
    if not params:
        return None
    hint = hints.get(params[0])
    meta = getattr(hint, "__pydantic_generic_metadata__", None)
    if meta and meta.get("origin") is WorkItem and meta.get("args"):
        arg = meta["args"][0]
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def bot(
    *,
    name: str | None = None,
    process: str | None = None,
    queue: str | None = None,
    payload: type[BaseModel] | None = None,
    params: type[BaseModel] = NoParams,
    producer: Callable[..., Iterable[Any]] | None = None,
    finish: Callable[..., Any] | None = None,
    max_attempts: int = 3,
    retry_delay: timedelta = timedelta(seconds=30),
    backoff: float = 2.0,
    max_retry_delay: timedelta = timedelta(hours=1),
    timeout: timedelta | None = None,
    description: str | None = None,
    requires: Iterable[str] = (),
    gains: Gains | None = None,

    mask: Iterable[str] = (),
) -> Callable[[F], F]:
    """Declare a bot: the decorated function processes one work item.

    Args:
        name: the bot's name (default: the function's name).
        process: the catalogue process id this bot automates (for gains and the legal gate).
        queue: the work queue (default: the bot's name).
        payload: the payload model (default: taken from the ``WorkItem[Model]`` annotation).
        params: the run parameters model (defaults from ``bots/<name>/config.toml [params]``).
        producer: ``(ctx) -> Iterable[NewItem]``, turns inputs into work items.
        finish: ``(ctx, items) -> None``, runs after the queue is drained (write outputs here).
        max_attempts: attempts for application errors before the item fails (≥ 1).
        retry_delay: wait before the first retry.
        backoff: multiplier for each further retry.
        max_retry_delay: cap on the wait.
        timeout: per-item time limit; exceeding it counts as an application error.
        description: one line for ``sepbots bots`` (default: the docstring's first line).
        requires: runner capabilities the bot needs (``"browser"``, ``"desktop"``); in a fleet its
            work goes only to runners offering them (``sepbots.fleet.capabilities``).
        gains: the process step, counting unit and credited minutes per unit (``Gains``); without
            it the bot is credited the process's baseline minutes per done item.

        mask: Playwright selectors of personal fields (CPR, CVR, names) to paint over in failure
            screenshots and blank in the saved HTML (``"#employee_cpr"``, ``"dt:text-is('CPR') + dd"``).

    Raises:
        RecipeError: an invalid declaration, or a function decorated twice.
    """

    def decorate(func: F) -> F:
        if hasattr(func, RECIPE_ATTR):
            raise RecipeError(f"{func.__qualname__} er allerede erklæret som bot / is already declared as a bot")
        bot_name = name or func.__name__
        if not bot_name or not set(bot_name) <= _NAME_OK:
            raise RecipeError(f"botnavn/bot name {bot_name!r}: brug små bogstaver, cifre, '_' og '-' / "
                              "use lowercase letters, digits, '_' and '-'")
        if max_attempts < 1:
            raise RecipeError(f"bot {bot_name}: max_attempts skal være mindst 1 / must be at least 1")
        if backoff < 1:
            raise RecipeError(f"bot {bot_name}: backoff skal være mindst 1 / must be at least 1")
        masks = (mask,) if isinstance(mask, str) else tuple(mask)
        if not all(isinstance(m, str) and m.strip() for m in masks):
            raise RecipeError(f"bot {bot_name}: mask skal være ikke-tomme selektorer / mask takes non-empty selector strings")
        if timeout is not None and timeout <= timedelta(0):
            raise RecipeError(f"bot {bot_name}: timeout skal være positiv / timeout must be positive")
        payload_type = payload or _payload_from_annotation(func)
        if payload_type is None:
            raise RecipeError(
                f"bot {bot_name}: angiv første parameter som WorkItem[Model] eller giv payload=Model / "
                "annotate the first parameter as WorkItem[Model] or pass payload=Model"
            )
        if len(inspect.signature(func).parameters) != 2:
            raise RecipeError(f"bot {bot_name}: funktionen skal tage (item, ctx) / the item processor takes (item, ctx)")
        doc = (inspect.getdoc(func) or "").strip().splitlines()
        source = inspect.getsourcefile(func)
        recipe = Recipe(
            name=bot_name,
            func=func,
            payload_type=payload_type,
            params_type=params,
            process=process,
            queue=queue or bot_name,
            producer=producer,
            finish=finish,
            max_attempts=max_attempts,
            retry_delay=retry_delay,
            backoff=backoff,
            max_retry_delay=max_retry_delay,
            timeout=timeout,
            description=description or (doc[0] if doc else ""),
            source=Path(source) if source else None,
            item_type=WorkItem[payload_type],  # type: ignore[valid-type]  # the payload model is a run-time value
            requires=tuple(requires),
            gains=gains,

            mask=masks,
        )
        setattr(func, RECIPE_ATTR, recipe)
        return func

    return decorate


def recipe_of(obj: Any) -> Recipe:
    """The recipe attached to a decorated function (or the recipe itself)."""
    if isinstance(obj, Recipe):
        return obj
    recipe: Recipe | None = getattr(obj, RECIPE_ATTR, None)
    if recipe is None:
        raise RecipeError(f"{obj!r} er ikke en bot: dekorér den med @bot(...) / is not a bot: decorate it with @bot(...)")
    return recipe


class Registry:
    """Bots by name."""

    def __init__(self, recipes: Iterable[Recipe] = ()) -> None:
        self._by_name: dict[str, Recipe] = {}
        for r in recipes:
            self.add(r)

    def add(self, recipe: Recipe) -> None:
        old = self._by_name.get(recipe.name)
        if old is not None and old.func is not recipe.func:
            raise RecipeError(f"to bots hedder {recipe.name!r} / two bots are named {recipe.name!r}: {old.source}, {recipe.source}")
        self._by_name[recipe.name] = recipe

    def get(self, name: str) -> Recipe:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name)) or "none"
            raise RecipeError(f"ukendt bot / unknown bot {name!r} (kendte/known: {known})") from None

    def __iter__(self) -> Iterator[Recipe]:
        return iter(sorted(self._by_name.values(), key=lambda r: r.name))

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __len__(self) -> int:
        return len(self._by_name)


def recipes_in(module: types.ModuleType) -> list[Recipe]:
    """Every bot declared in ``module``."""
    return [getattr(v, RECIPE_ATTR) for v in vars(module).values() if callable(v) and hasattr(v, RECIPE_ATTR)]


def _package_for(folder: Path) -> str:
    """Import ``folder`` as a package: ``bots`` for the project's folder, a private name otherwise."""
    folder = folder.resolve()
    existing = sys.modules.get("bots")
    if folder.name == "bots" and (folder / "__init__.py").is_file():
        if existing is None:
            parent = str(folder.parent)
            if parent not in sys.path:
                sys.path.insert(0, parent)
            importlib.import_module("bots")
            return "bots"
        if any(Path(p).resolve() == folder for p in getattr(existing, "__path__", [])):
            return "bots"
    pkg = "sepbots_bots_" + hashlib.sha1(str(folder).encode()).hexdigest()[:10]
    if pkg not in sys.modules:
        spec = importlib.util.spec_from_loader(pkg, loader=None, is_package=True)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]  # spec_from_loader returns a spec for a package without a loader
        module.__path__ = [str(folder)]
        sys.modules[pkg] = module
    return pkg


def discover(folders: Iterable[Path], *, entry_point_group: str = "sepbots.bots") -> Registry:
    """Find bots in ``<folder>/<name>/bot.py`` and in installed entry points.

    Raises:
        RecipeError: a bot module fails to import (naming its file), or two bots share a name.
    """
    registry = Registry()
    for folder in folders:
        if not folder.is_dir():
            continue
        candidates = sorted(p for p in folder.iterdir() if (p / "bot.py").is_file())
        if not candidates:
            continue
        pkg = _package_for(folder)
        for bot_dir in candidates:
            modname = f"{pkg}.{bot_dir.name}.bot"
            try:
                module = importlib.import_module(modname)
            except Exception as exc:
                raise RecipeError("botten kan ikke indlæses / "
                                  f"cannot load the bot in {bot_dir / 'bot.py'}: {type(exc).__name__}: {exc}") from exc
            for recipe in recipes_in(module):
                registry.add(recipe)
    for ep in entry_points(group=entry_point_group):
        try:
            obj = ep.load()
        except Exception as exc:
            raise RecipeError("bottens indgangspunkt kan ikke indlæses / "
                              f"cannot load the bot entry point {ep.name} ({ep.value}): {exc}") from exc
        found = recipes_in(obj) if isinstance(obj, types.ModuleType) else [recipe_of(obj)]
        for recipe in found:
            registry.add(recipe)
    return registry


def bot_folder(recipe: Recipe) -> Path | None:
    """The folder of a bot (where its ``config.toml`` lives)."""
    return recipe.source.parent if recipe.source else None
