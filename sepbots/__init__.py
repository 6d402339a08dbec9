"""sepbots: software robots for Danish municipalities.

The public API for bot authors. Everything else is reachable through its module
(``sepbots.store``, ``sepbots.audit``, ...), but bots and ``runner/`` use only these names.
"""

from typing import TYPE_CHECKING

from sepbots._lazy import lazy_exports as _lazy_exports

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
__getattr__ = _lazy_exports(__name__, {
    "sepbots.config": ("Settings", "load_settings"),
    "sepbots.environment": ("Environment",),
    "sepbots.exceptions": ("ApplicationException", "BotError", "BusinessException", "ConfigError", "InputError",
                           "QueueError", "RecipeError", "SepbotsError", "StopRequested", "StoreError", "VaultError"),
    "sepbots.recipes": ("Counting", "Gains", "NoParams", "Recipe", "bot"),
    "sepbots.runtime": ("BotContext", "Runner", "RunStatus", "RunSummary", "StopToken", "Trigger"),
    "sepbots.vault": ("Credential",),
    "sepbots.workitems": ("ErrorKind", "ItemState", "NewItem", "WorkItem"),
})


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
