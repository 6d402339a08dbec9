"""Declaring and discovering bots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from sepbots import BotContext, RecipeError, WorkItem, bot
from sepbots.recipes import Registry, discover, recipe_of


class Payload(BaseModel):
    x: int


def test_the_decorator_returns_the_function_unchanged_with_its_recipe() -> None:
    """@bot registers nothing globally: it attaches a Recipe and returns the same callable."""

    def handle(item: WorkItem[Payload], ctx: BotContext[Any]) -> None:
        """Handle one thing."""

    decorated = bot(process="p-1", max_attempts=4, retry_delay=timedelta(seconds=2), backoff=3)(handle)
    assert decorated is handle
    r = recipe_of(handle)
    assert (r.name, r.queue, r.process, r.payload_type, r.max_attempts) == ("handle", "handle", "p-1", Payload, 4)
    assert r.description == "Handle one thing."
    assert [r.retry_delay_for(a).total_seconds() for a in (1, 2, 3)] == [2, 6, 18]


def test_decorating_twice_is_refused() -> None:
    """A function can be declared as a bot only once."""

    @bot()
    def once(item: WorkItem[Payload], ctx: BotContext[Any]) -> None: ...

    with pytest.raises(RecipeError, match="already declared"):
        bot(name="twice")(once)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_attempts": 0}, "max_attempts"),
    ({"backoff": 0.5}, "backoff"),
    ({"name": "Bad Name"}, "lowercase"),
    ({"timeout": timedelta(0)}, "timeout"),
])
def test_invalid_declarations_are_refused_with_a_reason(kwargs: dict[str, Any], message: str) -> None:
    """Impossible settings fail at import time, naming what is wrong."""
    with pytest.raises(RecipeError, match=message):
        @bot(**kwargs)
        def handle(item: WorkItem[Payload], ctx: BotContext[Any]) -> None: ...


def test_a_processor_without_a_payload_type_is_refused() -> None:
    """The payload model comes from the WorkItem[Model] annotation or payload=."""
    with pytest.raises(RecipeError, match="WorkItem"):
        @bot()
        def handle(item, ctx):  # type: ignore[no-untyped-def]  # a bot written without annotations on purpose
            ...


def write_bot(folder: Path, name: str, bot_name: str | None = None, body: str = "") -> None:
    (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / name / "bot.py").write_text(
        "from typing import Any\nfrom pydantic import BaseModel\nfrom sepbots import BotContext, WorkItem, bot\n"
        f"from .helpers import GREETING\n{body}\n"
        "class P(BaseModel):\n    x: int\n"
        f"@bot(name={bot_name or name!r})\ndef handle(item: WorkItem[P], ctx: BotContext[Any]) -> None:\n    return None\n",
        encoding="utf-8",
    )
    (folder / name / "helpers.py").write_text("GREETING = 'hej'\n", encoding="utf-8")


def test_discovery_finds_bots_in_folders_with_relative_imports(tmp_path: Path) -> None:
    """Every bots/<name>/bot.py is imported as part of a package, so bots can split code into modules."""
    folder = tmp_path / "mybots"
    write_bot(folder, "alpha")
    write_bot(folder, "beta")
    registry = discover([folder, tmp_path / "does-not-exist"])
    assert [r.name for r in registry] == ["alpha", "beta"]
    assert "alpha" in registry and len(registry) == 2


def test_two_bots_with_the_same_name_are_an_error_naming_both_files(tmp_path: Path) -> None:
    """Duplicate bot names across folders are refused."""
    write_bot(tmp_path / "a", "one", bot_name="same")
    write_bot(tmp_path / "b", "two", bot_name="same")
    with pytest.raises(RecipeError, match="two bots are named 'same'"):
        discover([tmp_path / "a", tmp_path / "b"])


def test_a_bot_that_fails_to_import_names_its_file(tmp_path: Path) -> None:
    """A syntax or import error in a bot is reported with the bot's file."""
    write_bot(tmp_path / "c", "broken", body="raise RuntimeError('boom')")
    with pytest.raises(RecipeError, match=r"broken/bot.py.*boom"):
        discover([tmp_path / "c"])


def test_an_unknown_bot_lists_the_known_ones() -> None:
    """Looking up a missing bot names every known bot."""
    with pytest.raises(RecipeError, match="kendte/known: none"):
        Registry().get("x")


def test_bots_from_installed_packages_are_found_through_entry_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package that declares a `sepbots.bots` entry point contributes its bots."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "kommune_bots.py").write_text(
        "from typing import Any\nfrom pydantic import BaseModel\nfrom sepbots import BotContext, WorkItem, bot\n"
        "class P(BaseModel):\n    x: int\n"
        "@bot(name='installed_bot')\ndef handle(item: WorkItem[P], ctx: BotContext[Any]) -> None:\n    return None\n",
        encoding="utf-8")
    dist = site / "kommune_bots-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kommune-bots\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[sepbots.bots]\nkommune = kommune_bots\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    assert "installed_bot" in discover([])
