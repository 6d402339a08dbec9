"""Pydantic's refusals in Danish and English (``sepbots.i18n.validation``), triggered on real models."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    DirectoryPath,
    Field,
    FilePath,
    HttpUrl,
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from sepbots.dk import CPRNumber
from sepbots.i18n.validation import REASONS, validation_reason

CPR_LIKE = "0101901234"


class Colour(enum.Enum):
    RED = "rød"
    BLUE = "blå"


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = 0
    share: float = 0
    flag: bool = False
    text: str = ""
    code: str = Field("ab", min_length=2, max_length=4, pattern=r"^[a-z]+$")
    initial: str = Field("a", min_length=1, max_length=1)
    at_least: int = Field(1, ge=1)
    above: Decimal = Field(Decimal(1), gt=Decimal("0.5"))
    at_most: int = Field(0, le=10)
    below: float = Field(0, lt=2.5)
    kind: Literal["fil", "mappe"] = "fil"
    colour: Colour = Colour.RED
    day: dt.date = dt.date(2026, 1, 1)
    moment: dt.datetime = dt.datetime(2026, 1, 1)
    clock: dt.time = dt.time(8)
    wait: dt.timedelta = dt.timedelta(1)
    numbers: list[int] = Field(default_factory=lambda: [1], min_length=1, max_length=2)
    names: dict[str, int] = Field(default_factory=dict)
    url: HttpUrl | None = None
    file: FilePath | None = None
    folder: DirectoryPath | None = None
    path: Path | None = None
    cpr: CPRNumber | None = None
    positive: int = 1
    checked: int = 1

    @field_validator("positive")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("skal være positiv / must be positive")
        return value

    @field_validator("checked")
    @classmethod
    def _checked(cls, value: int) -> int:
        if value <= 0:
            raise AssertionError("checked must be positive")  # as an ``assert`` would, without pytest's rewriting
        return value


def _errors(data: dict[str, Any]) -> list[ErrorDetails]:
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    return info.value.errors(include_url=False, include_input=False)


def reason_for(**data: Any) -> str:
    """The reason for the one error ``data`` gives on :class:`Case`."""
    errors = _errors(data)
    assert len(errors) == 1, errors
    return validation_reason(errors[0])


@pytest.mark.parametrize(("data", "kind", "reason"), [
    ({"number": CPR_LIKE + "x"}, "int_parsing", "skal være et helt tal / must be a whole number"),
    ({"number": [CPR_LIKE]}, "int_type", "skal være et helt tal / must be a whole number"),
    ({"number": 1.5}, "int_from_float", "skal være et helt tal uden decimaler / must be a whole number without decimals"),
    ({"share": CPR_LIKE + "x"}, "float_parsing", "skal være et tal / must be a number"),
    ({"share": [1]}, "float_type", "skal være et tal / must be a number"),
    ({"flag": CPR_LIKE}, "bool_parsing", "skal være sand eller falsk (true/false) / must be true or false"),
    ({"flag": [1]}, "bool_type", "skal være sand eller falsk (true/false) / must be true or false"),
    ({"text": 1}, "string_type", "skal være tekst / must be text"),
])
def test_numbers_booleans_and_text_of_the_wrong_kind(data: dict[str, Any], kind: str, reason: str) -> None:
    """A value of the wrong kind says what kind it should be, in both languages, without the value."""
    (err,) = _errors(data)
    assert err["type"] == kind
    assert validation_reason(err) == reason


def test_text_length_and_pattern_name_the_limit() -> None:
    """Too short, too long and not matching the pattern name the limit (one character, several characters)."""
    assert reason_for(code="a") == "skal være mindst 2 tegn / must be at least 2 characters"
    assert reason_for(code="abcdefg") == "må højst være 4 tegn / must be at most 4 characters"
    assert reason_for(initial="ab") == "må højst være 1 tegn / must be at most 1 character"
    assert reason_for(code="AB1") == "har ikke den krævede form '^[a-z]+$' / does not match the pattern '^[a-z]+$'"


def test_limits_are_written_as_numbers_are_in_each_language() -> None:
    """ge, gt, le and lt name their limit, with a decimal comma in Danish and a decimal point in English."""
    assert reason_for(at_least=0) == "skal være mindst 1 / must be at least 1"
    assert reason_for(above="0.5") == "skal være større end 0,5 / must be greater than 0.5"
    assert reason_for(at_most=11) == "må højst være 10 / must be at most 10"
    assert reason_for(below=3) == "skal være mindre end 2,5 / must be less than 2.5"


def test_choices_are_listed_with_or_in_each_language() -> None:
    """A literal or an enum lists the allowed values, joined by "eller" in Danish and "or" in English."""
    assert reason_for(kind=CPR_LIKE) == "skal være 'fil' eller 'mappe' / must be 'fil' or 'mappe'"
    assert reason_for(colour=CPR_LIKE) == "skal være 'rød' eller 'blå' / must be 'rød' or 'blå'"
    three = TypeAdapter(Literal["a or b", "c", "d"])
    with pytest.raises(ValidationError) as info:
        three.validate_python("x")
    assert validation_reason(info.value.errors()[0]) == "skal være 'a or b', 'c' eller 'd' / must be 'a or b', 'c' or 'd'"


@pytest.mark.parametrize(("data", "kind", "reason"), [
    ({"day": [1]}, "date_type", "skal være en dato (ÅÅÅÅ-MM-DD) / must be a date (YYYY-MM-DD)"),
    ({"day": "31-12-2026"}, "date_from_datetime_parsing",
     "skal være en dato (ÅÅÅÅ-MM-DD) / must be a date (YYYY-MM-DD): invalid character in year"),
    ({"day": "2026-01-01T10:00"}, "date_from_datetime_inexact",
     "skal være en dato uden klokkeslæt / must be a date without a time of day"),
    ({"moment": [1]}, "datetime_type", "skal være dato og klokkeslæt (ÅÅÅÅ-MM-DD TT:MM) / must be a date and time (YYYY-MM-DD HH:MM)"),
    ({"moment": "2026-01-01T25:00"}, "datetime_from_date_parsing",
     "skal være dato og klokkeslæt (ÅÅÅÅ-MM-DD TT:MM) / must be a date and time (YYYY-MM-DD HH:MM): "
     "unexpected extra characters at the end of the input"),
    ({"clock": "8.30"}, "time_parsing", "skal være et klokkeslæt (TT:MM) / must be a time of day (HH:MM): input is too short"),
    ({"wait": "soon"}, "time_delta_parsing",
     "skal være en varighed (TT:MM:SS eller sekunder) / must be a duration (HH:MM:SS or seconds): invalid digit in duration"),
])
def test_dates_times_and_durations_say_how_to_write_them(data: dict[str, Any], kind: str, reason: str) -> None:
    """A date, time or duration that does not parse says the form to write, with pydantic's detail after the English."""
    (err,) = _errors(data)
    assert err["type"] == kind
    assert validation_reason(err) == reason


@pytest.mark.parametrize(("text", "kind"), [("x", "date_parsing"), ("x", "datetime_parsing")])
def test_strict_date_and_datetime_parsing(text: str, kind: str) -> None:
    """The strict date and datetime errors (e.g. from JSON in strict mode) read like the lax ones."""
    target = dt.date if kind == "date_parsing" else dt.datetime
    with pytest.raises(ValidationError) as info:
        TypeAdapter(target, config=ConfigDict(strict=True)).validate_strings(text)
    err = info.value.errors()[0]
    assert err["type"] == kind
    assert validation_reason(err).startswith("skal være en dato" if kind == "date_parsing" else "skal være dato og klokkeslæt")
    assert validation_reason(err).endswith(": input is too short")


def test_collections_and_mappings() -> None:
    """A list or mapping of the wrong kind, and a list with too few or too many items, say so."""
    assert reason_for(numbers=CPR_LIKE) == "skal være en liste / must be a list"
    assert reason_for(numbers=[]) == "skal have mindst 1 element / must have at least 1 item"
    assert reason_for(numbers=[1, 2, 3]) == "må højst have 2 elementer / must have at most 2 items"
    assert reason_for(names=CPR_LIKE) == "skal være en samling af navne og værdier / must be a mapping of names to values"


def test_urls_and_paths(tmp_path: Path) -> None:
    """A URL that does not parse, and paths that are not a file or not a folder, say so."""
    assert reason_for(url=CPR_LIKE) == ("skal være en gyldig URL (fx https://…) / must be a valid URL (e.g. https://…): "
                                        "relative URL without a base")
    assert reason_for(url=1) == "skal være en gyldig URL (fx https://…) / must be a valid URL (e.g. https://…)"
    assert reason_for(file=tmp_path) == "stien peger ikke på en fil / the path does not point to a file"
    (tmp_path / "a.txt").write_text("x")
    assert reason_for(folder=tmp_path / "a.txt") == "stien peger ikke på en mappe / the path does not point to a folder"
    assert reason_for(path=1) == "skal være en sti / must be a path"


def test_missing_and_unknown_fields() -> None:
    """A missing value and a field the model does not have are named as such."""
    assert reason_for(**{CPR_LIKE: 1}) == "ukendt felt, ikke tilladt her / unknown field, not permitted here"

    class Needs(BaseModel):
        amount: int

    with pytest.raises(ValidationError) as missing:
        Needs.model_validate({})
    assert validation_reason(missing.value.errors()[0]) == "mangler en værdi / value is missing"


class Home(BaseModel):
    kind: Literal["hjemme"]


class Clinic(BaseModel):
    kind: Literal["klinik"]


def test_a_discriminated_union_names_its_tags_not_the_given_one() -> None:
    """A wrong or missing tag names the discriminator and the tags allowed; pydantic's own text would quote the value."""
    visits = TypeAdapter(Annotated[Home | Clinic, Field(discriminator="kind")])
    with pytest.raises(ValidationError) as wrong:
        visits.validate_python({"kind": CPR_LIKE})
    assert validation_reason(wrong.value.errors()[0]) == ("'kind' skal være en af 'hjemme', 'klinik' / "
                                                          "'kind' must be one of 'hjemme', 'klinik'")
    with pytest.raises(ValidationError) as missing:
        visits.validate_python({})
    assert validation_reason(missing.value.errors()[0]) == "mangler feltet 'kind' / the field 'kind' is missing"


def test_our_own_validators_keep_their_message() -> None:
    """A bilingual message of ours is shown as written; an English-only one gets the bilingual lead-in."""
    assert reason_for(positive=0) == "skal være positiv / must be positive"
    assert reason_for(checked=0) == "ugyldig værdi / invalid value: checked must be positive"


def test_a_cpr_number_rejected_by_our_parser_is_not_quoted() -> None:
    """The CPR parser's own bilingual message is kept, and it shows the shape of a bad number, not the number."""
    reason = reason_for(cpr=CPR_LIKE + "12")
    assert reason.startswith("CPR-nummeret skal skrives") and " / CPR number must be written" in reason
    assert CPR_LIKE not in reason


def test_an_unknown_type_falls_back_to_pydantic_s_text_behind_a_bilingual_lead_in() -> None:
    """An error type without a Danish text is "ugyldig værdi / invalid value: " and pydantic's English."""
    with pytest.raises(ValidationError) as info:
        TypeAdapter(Annotated[int, Field(multiple_of=5)]).validate_python(3)  # in the catalogue
    assert validation_reason(info.value.errors()[0]) == "skal være et multiplum af 5 / must be a multiple of 5"

    def refuse(value: object) -> object:
        raise PydanticCustomError("not_in_register", "Not found in the register")

    with pytest.raises(ValidationError) as custom:
        TypeAdapter(Annotated[str, BeforeValidator(refuse)]).validate_python(CPR_LIKE)
    assert validation_reason(custom.value.errors()[0]) == "ugyldig værdi / invalid value: Not found in the register"


def test_a_known_type_with_other_context_falls_back_instead_of_failing() -> None:
    """A custom error that borrows a type name but not its ctx gives the lead-in and pydantic's text, not a KeyError."""
    def refuse(value: object) -> object:
        raise PydanticCustomError("greater_than_equal", "Too small for this register")

    with pytest.raises(ValidationError) as info:
        TypeAdapter(Annotated[int, BeforeValidator(refuse)]).validate_python(1)
    assert validation_reason(info.value.errors()[0]) == "ugyldig værdi / invalid value: Too small for this register"


def test_no_reason_quotes_the_refused_value() -> None:
    """Every reason for a bad CPR-like value, across all fields of the model at once, leaves the value out."""
    bad = {name: CPR_LIKE + "x" for name in Case.model_fields} | {"numbers": [CPR_LIKE + "x"], CPR_LIKE: CPR_LIKE}
    errors = _errors(bad)
    assert {err["loc"][0] for err in errors} == set(Case.model_fields) - {"text", "path"} | {CPR_LIKE}  # text takes any text
    for err in errors:
        assert CPR_LIKE not in validation_reason(err), err["type"]


def test_every_text_in_the_catalogue_has_a_danish_and_an_english_wording() -> None:
    """Each error type has two different, non-empty wordings, so "dansk / english" is never one language twice."""
    assert len(REASONS) > 60
    for key, (da, en) in REASONS.items():
        assert da and en and da != en, key
        assert " / " not in da + en, key  # the helper puts the one separator between them


def test_validation_problems_name_each_field_and_reason_never_the_value() -> None:
    from pydantic import BaseModel, Field, ValidationError

    from sepbots.i18n.validation import Problem, validation_problems

    class Inner(BaseModel):
        cpr: int

    class Outer(BaseModel):
        items: list[Inner]
        days: int = Field(ge=1)

    try:
        Outer.model_validate({"items": [{"cpr": "010190-1234"}], "days": 0})
    except ValidationError as exc:
        problems = validation_problems(exc)
    assert problems == [
        Problem("items.0.cpr", "skal være et helt tal / must be a whole number", "int_parsing", ("items", 0, "cpr")),
        Problem("days", "skal være mindst 1 / must be at least 1", "greater_than_equal", ("days",)),
    ]
    assert "010190" not in repr(problems)
