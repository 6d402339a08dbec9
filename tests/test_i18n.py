"""sepbots.i18n: one language enum, one catalogue API, labelled enums."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from sepbots.catalogue.models import Phase
from sepbots.config import Settings
from sepbots.i18n import LABELS, Catalog, LabelledEnum, Language


class Colour(LabelledEnum):
    RED = "roed", "rød", "red"
    BLUE = "blaa", "blå", "blue"


class Paint(BaseModel):
    colour: Colour


def test_a_labelled_enum_keeps_its_value_and_reads_in_both_languages() -> None:
    assert Colour("roed") is Colour.RED and f"{Colour.BLUE}" == "blaa"
    assert Colour.RED == "roed"  # type: ignore[comparison-overlap]  # mypy#19576: a StrEnum member equals its value
    assert (Colour.BLUE.label(), Colour.BLUE.label("en")) == ("blå", "blue")
    assert Paint(colour="blaa").model_dump(mode="json") == {"colour": "blaa"}
    assert Phase("drift").label("en") == "Operation" and Phase.OPERATION.os2 == "OPERATION"


def test_a_labelled_enum_member_without_both_words_is_refused_when_its_class_is_made() -> None:
    with pytest.raises(ValueError, match="expected 2, got 1"):
        class Half(LabelledEnum):
            ONLY = "kun", "kun dansk"


def test_catalogue_extension_refuses_a_key_defined_twice() -> None:
    with pytest.raises(ValueError, match="state.done"):
        LABELS.extended({"state.done": ("færdig", "finished")})
    extended = Catalog({"a": ("{n} ting", "{n} things")}).extended({"b": ("b", "B")})
    assert extended("en", "a", n=2) == "2 things" and extended.text("da", "missing", "–") == "–"
    with pytest.raises(KeyError):
        extended("da", "missing")


def test_the_settings_language_is_the_one_language_enum(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, language="en")
    assert settings.language is Language.EN and Settings(home=tmp_path).language is Language.DA
