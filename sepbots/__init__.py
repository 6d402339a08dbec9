"""sepbots: software robots for Danish municipalities.

The public API for bot authors. Everything else is reachable through its module
(``sepbots.store``, ``sepbots.audit``, ...), but bots and ``runner/`` use only these names.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sepbots.config import Settings, load_settings
    from sepbots.environment import Environment
    from sepbots.exceptions import (
        ApplicationException,
        BotError,
        BusinessException,
        ConfigError,
        InputError,
        QueueError,
        RecipeError,
        SepbotsError,
        StopRequested,
        StoreError,
        VaultError,
    )
    from sepbots.recipes import Counting, Gains, NoParams, Recipe, bot
    from sepbots.runtime import BotContext, Runner, RunStatus, RunSummary, StopToken, Trigger
    from sepbots.vault import Credential
    from sepbots.workitems import ErrorKind, ItemState, NewItem, WorkItem

# Imported on first use (PEP 562), so that ``sepbots --help`` does not load the whole framework.
_HOMES = {
    "sepbots.config": ("Settings", "load_settings"),
    "sepbots.environment": ("Environment",),
    "sepbots.exceptions": ("ApplicationException", "BotError", "BusinessException", "ConfigError", "InputError",
                           "QueueError", "RecipeError", "SepbotsError", "StopRequested", "StoreError", "VaultError"),
    "sepbots.recipes": ("Counting", "Gains", "NoParams", "Recipe", "bot"),
    "sepbots.runtime": ("BotContext", "Runner", "RunStatus", "RunSummary", "StopToken", "Trigger"),
    "sepbots.vault": ("Credential",),
    "sepbots.workitems": ("ErrorKind", "ItemState", "NewItem", "WorkItem"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'sepbots' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "ApplicationException",
    "BotContext",
    "BotError",
    "BusinessException",
    "ConfigError",
    "Counting",
    "Credential",
    "Environment",
    "ErrorKind",
    "Gains",
    "InputError",
    "ItemState",
    "NewItem",
    "NoParams",
    "QueueError",
    "Recipe",
    "RecipeError",
    "RunStatus",
    "RunSummary",
    "Runner",
    "SepbotsError",
    "Settings",
    "StopRequested",
    "StopToken",
    "StoreError",
    "Trigger",
    "VaultError",
    "WorkItem",
    "__version__",
    "bot",
    "load_settings",
]
