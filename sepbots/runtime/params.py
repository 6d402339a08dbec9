"""Run parameters: ``[params]`` in the bot's ``config.toml``, overridden by ``--param key=value``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sepbots.exceptions import ConfigError
from sepbots.i18n.validation import validation_problems
from sepbots.recipes import Recipe, bot_folder


def bot_config_file(recipe: Recipe) -> Path | None:
    folder = bot_folder(recipe)
    return folder / "config.toml" if folder else None


def resolve_params(recipe: Recipe, given: Mapping[str, Any] | BaseModel | None) -> BaseModel:
    """Validate the run parameters of ``recipe``.

    Raises:
        ConfigError: naming the parameter and where its value came from.
    """
    if isinstance(given, recipe.params_type):
        return given
    data: dict[str, Any] = {}
    file = bot_config_file(recipe)
    if file is not None and file.is_file():
        try:
            config = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"ikke gyldig TOML / not valid TOML: {exc}", file=file) from exc
        section = config.get("params", {})
        if not isinstance(section, dict):
            raise ConfigError("[params] skal være en tabel / must be a table", key="params", file=file)
        data.update(section)
    explicit = dict(given.model_dump() if isinstance(given, BaseModel) else given or {})
    data.update(explicit)
    try:
        return recipe.params_type.model_validate(data)
    except ValidationError as exc:
        first = validation_problems(exc)[0]
        key = first.field or "params"
        source = "--param" if key.split(".")[0] in explicit else file
        if first.kind == "extra_forbidden":
            known = ", ".join(recipe.params_type.model_fields) or "ingen/none"
            raise ConfigError(f"bot {recipe.name} har ingen parameter {key!r} / has no parameter {key!r} (parametre/parameters: {known})",
                              key=f"params.{key}", file=source if isinstance(source, Path) else None) from exc
        where = " (givet med/given with --param)" if source == "--param" else ""
        raise ConfigError(f"bot {recipe.name}: ugyldig parameter / invalid parameter {key!r}: {first.reason}{where}",
                          key=f"params.{key}", file=source if isinstance(source, Path) else None) from exc
