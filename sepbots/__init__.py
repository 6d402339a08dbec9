"""sepbots: software robots for Danish municipalities.

The public API for bot authors. Everything else is reachable through its module
(``sepbots.store``, ``sepbots.audit``, ...), but bots and ``runner/`` use only these names.
"""

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
