"""Correct and resubmit (operator): edit the payload of an item that waits for a person and send it back."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sepbots.dashboard.actions import ActionError
from sepbots.dashboard.correct import CorrectionForm, correction_form, submit_correction
from sepbots.dashboard.users import Role
from sepbots.dashboard.web import deps, guard, int_param, render
from sepbots.exceptions import RecipeError


def _item_id(request: Request) -> int:
    item_id = int_param(request.path_params["item_id"], "item_id")
    if item_id is None:
        raise HTTPException(404)
    return item_id


@guard(Role.OPERATOR)
async def correct_form(request: Request) -> Response:
    """The payload form of an item that waits for a person."""
    item_id = _item_id(request)
    try:
        form = await run_in_threadpool(correction_form, deps(request).env, item_id)
    except (ActionError, RecipeError) as exc:
        return render(request, "correct.html", status_code=409, c=None, error=str(exc))
    return render(request, "correct.html", c=form, error=None)


@guard(Role.OPERATOR)
async def correct(request: Request) -> Response:
    """Validate the corrected payload with the bot's model and resubmit the item (audited)."""
    item_id = _item_id(request)
    form = request.state.form
    submitted = {k: str(v) for k, v in form.items() if k.startswith("f_")}
    values = {k[2:]: v for k, v in submitted.items()}
    user = request.state.session.username
    try:
        result = await run_in_threadpool(submit_correction, deps(request).env, item_id, user, values,
                                         str(form.get("note") or ""))
    except (ActionError, RecipeError) as exc:
        try:
            again = await run_in_threadpool(correction_form, deps(request).env, item_id)
        except (ActionError, RecipeError):
            return render(request, "correct.html", status_code=409, c=None, error=str(exc))
        return render(request, "correct.html", status_code=409, c=again, error=str(exc))
    if isinstance(result, CorrectionForm):
        return render(request, "correct.html", status_code=400, c=result, error=None)
    return RedirectResponse(f"/items/{item_id}?done=resubmit", status_code=303)
