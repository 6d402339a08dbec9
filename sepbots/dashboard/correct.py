"""The correct-and-resubmit form: fields generated from the bot's payload model, CPR fields masked.

The form shows every payload field with its current value, except CPR fields (named ``*cpr*`` or
holding a CPR number), which show only their correlation token and an empty input: left empty, the
value is kept. Submitted values are validated by the bot's own payload model (``model_validate``,
the same check the runtime makes on claim); errors are shown per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from sepbots.dashboard.actions import ActionError, waiting_item
from sepbots.environment import Environment
from sepbots.exceptions import QueueError, RecipeError
from sepbots.i18n.validation import validation_problems
from sepbots.recipes import Recipe
from sepbots.workitems.resubmit import resubmit


@dataclass(frozen=True)
class FormField:
    """One input of the form."""

    name: str
    kind: str            # the annotation's name, shown as a hint (str, int, date, Decimal, ...)
    value: str           # the current value ("" for a masked CPR field)
    masked: str | None   # the correlation token shown instead of a CPR value
    required: bool


@dataclass(frozen=True)
class CorrectionForm:
    """The item, its bot, and the fields to edit."""

    item_id: int
    reference: str
    bot: str
    error_code: str | None
    error_message: str | None
    fields: list[FormField]
    errors: dict[str, str] = field(default_factory=dict)


def _recipe_for_queue(env: Environment, queue: str) -> Recipe:
    for recipe in env.registry:
        if recipe.queue == queue:
            return recipe
    raise RecipeError(f"ingen bot i denne installation arbejder på køen {queue!r} / no bot of this installation works the queue {queue!r}")


def _load(env: Environment, item_id: int) -> tuple[Any, Recipe, BaseModel]:
    row = waiting_item(env, item_id)
    recipe = _recipe_for_queue(env, row.queue)
    return row, recipe, env.queues.decode_payload(row, recipe.payload_type)


def _is_cpr(env: Environment, name: str, value: str) -> bool:
    return "cpr" in name.lower() or env.redactor.contains_cpr(value)


def _fields(env: Environment, payload: BaseModel, submitted: dict[str, str] | None = None) -> list[FormField]:
    current = payload.model_dump(mode="json")
    out = []
    for name, info in type(payload).model_fields.items():
        value = "" if current.get(name) is None else str(current[name])
        masked = env.redactor.redact(value) if _is_cpr(env, name, value) and value else None
        shown = "" if masked else (submitted or {}).get(name, value)
        kind = getattr(info.annotation, "__name__", str(info.annotation))
        out.append(FormField(name=name, kind=kind, value=shown, masked=masked, required=info.is_required()))
    return out


def correction_form(env: Environment, item_id: int) -> CorrectionForm:
    """The form for item ``item_id``.

    Raises:
        ActionError: the item does not exist or does not wait for a person.
        RecipeError: no bot of this installation works the item's queue.
    """
    row, recipe, payload = _load(env, item_id)
    return CorrectionForm(item_id=item_id, reference=row.reference, bot=recipe.name, error_code=row.error_code,
                          error_message=row.error_message, fields=_fields(env, payload))


def submit_correction(env: Environment, item_id: int, user: str, submitted: dict[str, str],
                      note: str = "") -> CorrectionForm | list[str]:
    """Validate the submitted fields with the bot's payload model and resubmit the item.

    Returns:
        the changed field names, or the form again with an error per field when a value is invalid.

    Raises:
        ActionError: the item no longer waits for a person, or nothing was changed.
    """
    row, recipe, payload = _load(env, item_id)
    data = payload.model_dump(mode="json")
    for f in _fields(env, payload):
        given = submitted.get(f.name, "")
        if f.masked and not given.strip():
            continue  # a masked CPR field left empty keeps its value
        data[f.name] = given.strip() if given.strip() or f.required else None
    try:
        corrected = recipe.payload_type.model_validate(data)
    except ValidationError as exc:
        errors = {p.field: p.reason for p in validation_problems(exc)}
        return CorrectionForm(item_id=item_id, reference=row.reference, bot=recipe.name, error_code=row.error_code,
                              error_message=row.error_message, fields=_fields(env, payload, submitted), errors=errors)
    try:
        return resubmit(env.queues, item_id, payload, corrected, actor=user, note=note.strip()[:2000])
    except QueueError as exc:
        raise ActionError(str(exc)) from exc
