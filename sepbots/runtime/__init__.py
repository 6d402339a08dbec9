"""Running bots: the run loop, the exception classifier and the bot context."""

from sepbots.runtime.classify import classify
from sepbots.runtime.context import BotContext
from sepbots.runtime.models import Progress, RunCounts, RunStatus, RunSummary, StopToken, Trigger
from sepbots.runtime.runner import Runner

__all__ = ["BotContext", "Progress", "RunCounts", "RunStatus", "RunSummary", "Runner", "StopToken", "Trigger", "classify"]
