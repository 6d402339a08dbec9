"""Turn processes back into YAML text (used by import; ``set_phase`` edits in place instead)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import yaml

from sepbots.catalogue.models import Process


def plain(value: Any) -> Any:
    """Decimals, enums and dates as plain YAML/JSON scalars (integral decimals as ints)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def process_data(process: Process) -> dict[str, Any]:
    """The process as plain data, without unset optional fields."""
    data: dict[str, Any] = plain(process.model_dump(mode="python", exclude_none=True))
    return data


def processes_yaml(processes: list[Process], header: str = "") -> str:
    """YAML text for one process (a mapping) or several (a ``processes:`` list)."""
    data: Any = (
        process_data(processes[0])
        if len(processes) == 1
        else {"processes": [process_data(p) for p in processes]}
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
