"""What a process's yearly volume grows with, and the organisation it was counted for.

``Volume`` (driver + reference) is what :mod:`sepbots.catalogue.scaling` scales by; ``RunPeriod``
separates yearly work from one-off tasks (a migration, a clean-up).
"""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sepbots.i18n import LabelledEnum


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class RunPeriod(enum.StrEnum):
    """How often the volume occurs: every year, or once (a migration, a clean-up)."""

    YEARLY = "yearly"
    ONE_OFF = "one_off"


class Driver(LabelledEnum):
    """What a process's volume grows with; the catalogue scales the volume by it."""

    INHABITANTS = "inhabitants", "indbyggere", "inhabitants"
    EMPLOYEES = "employees", "ansatte", "employees"
    INVOICES = "invoices", "fakturaer", "invoices"
    CASES = "cases", "sager af denne art (følger indbyggertallet)", "cases of this kind (follow the population)"
    FIXED = "fixed", "fast antal (uafhængigt af størrelse)", "fixed (independent of size)"


class Reference(_Model):
    """The organisation a volume was counted or estimated for, with its size."""

    municipality: str = Field(min_length=1, description="e.g. 'Horsens Kommune' or 'skøn for en kommune'")
    inhabitants: int | None = Field(None, ge=1)
    employees: int | None = Field(None, ge=1)
    invoices_per_year: int | None = Field(None, ge=1)
    year: int | None = Field(None, ge=2000, le=2100)
    estimate: bool = Field(False, description="the reference's size is rounded or estimated")
    source: str | None = None


class Volume(_Model):
    """What the yearly volume depends on, and where it was counted (for scaling to another municipality)."""

    driver: Driver
    reference: Reference
    note: str | None = None

    @model_validator(mode="after")
    def _reference_has_driver(self) -> Volume:
        needed = {
            Driver.INHABITANTS: "inhabitants",
            Driver.CASES: "inhabitants",
            Driver.EMPLOYEES: "employees",
            Driver.INVOICES: "inhabitants",
        }.get(self.driver)
        if needed and getattr(self.reference, needed) is None:
            raise ValueError(f"driver {self.driver.value} kræver / needs reference.{needed}")
        return self


__all__ = ["Driver", "Reference", "RunPeriod", "Volume"]
