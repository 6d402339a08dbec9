"""The operations pages: overview, runs, run and item detail, manual-handling queue, audit trail,
and the operator actions on items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from sepbots.dashboard import actions, artifacts, evidence, queries, trail
from sepbots.dashboard.users import Role
from sepbots.dashboard.web import day_param, deps, guard, int_param, page_param, read, render, write
from sepbots.environment import Environment
from sepbots.workitems.items import RunOutcome

RUN_STATUSES = ("running", "completed", "failed", "stopped", "refused")


@guard(Role.VIEWER)
async def overview(request: Request) -> Response:
    """Today's runs and failures, items waiting for a person, this month's throughput and savings."""
    d = deps(request)
    data = await read(request, queries.overview, d.clock.now())
    ready, gains = await run_in_threadpool(d.insights.gains_if_ready, *d.insights.month_to_date())
    saved = gains.figures.total_saved_hours if gains is not None else None
    return render(request, "overview.html", o=data, saved=saved, saved_pending=not ready)


@guard(Role.VIEWER)
async def runs(request: Request) -> Response:
    """Runs filtered by bot, status and date range, newest first."""
    q = request.query_params
    flt = queries.RunFilter(
        bot=q.get("bot") or None,
        status=q.get("status") if q.get("status") in RUN_STATUSES else None,
        day_from=day_param(q.get("from"), "from"),
        day_to=day_param(q.get("to"), "to"),
        page=page_param(request),
    )
    data = await read(request, queries.runs_page, flt)
    return render(request, "runs.html", r=data, f=flt, statuses=RUN_STATUSES)


@guard(Role.VIEWER)
async def run(request: Request) -> Response:
    """One run: counters, item states and a page of its items."""
    state = request.query_params.get("state")
    state = state if state in {o.value for o in RunOutcome} else None
    page = page_param(request)
    data = await read(request, queries.run_detail, request.path_params["run_id"], page, state)
    if data is None:
        raise HTTPException(404)
    return render(request, "run.html", r=data, state=state, states=[o.value for o in RunOutcome])


def _item_page(
    conn: Connection, env: Environment, item_id: int
) -> tuple[queries.ItemDetail, list[artifacts.LogLine], list[Any]] | None:
    detail = queries.item_detail(conn, item_id)
    if detail is None:
        return None
    logs = artifacts.item_log_lines(env.settings.runs_dir, detail.item.run_id, item_id, env.redactor.redact)
    events = trail.item_events(conn, item_id)
    return detail, logs, events


@guard(Role.VIEWER)
async def item(request: Request) -> Response:
    """One work item: state, attempts, error, log lines, screenshots and the operator actions."""
    item_id = int_param(request.path_params["item_id"], "item_id")
    if item_id is None:
        raise HTTPException(404)
    data = await read(request, _item_page, deps(request).env, item_id)
    if data is None:
        raise HTTPException(404)
    detail, logs, events = data
    files = list(detail.item.artifacts or [])
    for attempt in detail.attempts:
        files.extend(a for a in (attempt.artifacts or []) if a not in files)
    waiting = detail.item.state in {s.value for s in actions.WAITING_STATES} and detail.item.handled_at is None
    if waiting and request.state.session.role.allows(Role.OPERATOR):
        # An operator opening a waiting item starts its measured handling time (first opening only).
        await run_in_threadpool(deps(request).env.queues.open_for_handling, item_id)
    return render(
        request, "item.html", d=detail, logs=logs, events=events, files=files, is_image=artifacts.is_image,
        waiting=waiting, done=request.query_params.get("done"),
    )


async def _act(request: Request, action: str) -> Response:
    item_id = int_param(request.path_params["item_id"], "item_id")
    if item_id is None:
        raise HTTPException(404)
    d = deps(request)
    user = request.state.session.username
    form = request.state.form
    try:
        if action == "handle":
            await run_in_threadpool(actions.mark_handled, d.env, item_id, user, str(form.get("note") or ""),
                                    str(form.get("minutes") or ""))
        else:
            await run_in_threadpool(actions.send_back_for_retry, d.env, item_id, user)
    except actions.ActionError as exc:
        data = await read(request, _item_page, d.env, item_id)
        if data is None:
            raise HTTPException(404) from exc
        detail, logs, events = data
        return render(
            request, "item.html", status_code=409, d=detail, logs=logs, events=events,
            files=list(detail.item.artifacts or []), is_image=artifacts.is_image,
            waiting=False, done=None, error=str(exc),
        )
    back = str(form.get("back") or "")
    target = back if back == "/queue" else f"/items/{item_id}?done={action}"
    return RedirectResponse(target, status_code=303)


@guard(Role.OPERATOR)
async def handle_item(request: Request) -> Response:
    """Mark an item handled by hand, with a note."""
    return await _act(request, "handle")


@guard(Role.OPERATOR)
async def retry_item(request: Request) -> Response:
    """Send an item back to its queue for one more attempt."""
    return await _act(request, "retry")


@guard(Role.VIEWER)
async def queue(request: Request) -> Response:
    """Items waiting for manual handling."""
    q = request.query_params
    state = q.get("state")
    flt = queries.QueueFilter(
        bot=q.get("bot") or None, process=q.get("process") or None, code=q.get("code") or None,
        state=state if state in {s.value for s in actions.WAITING_STATES} else None,
        min_age_days=int_param(q.get("age"), "age", maximum=36_500), page=page_param(request),
    )
    data = await read(request, queries.manual_queue, flt, deps(request).env.clock.now())
    return render(request, "queue.html", qp=data, f=flt, states=[s.value for s in actions.WAITING_STATES],
                  done=q.get("done"))


@guard(Role.OPERATOR)
async def queue_bulk(request: Request) -> Response:
    """Retry or mark handled every selected item of the queue page at once (each one audited)."""
    d = deps(request)
    form = request.state.form
    user = request.state.session.username
    ids = [i for i in (int_param(str(v), "item") for v in form.getlist("item")) if i is not None]
    action = str(form.get("action") or "")
    if not ids or action not in ("retry", "handle"):
        return RedirectResponse("/queue?done=none", status_code=303)
    done = await run_in_threadpool(actions.bulk, d.env, ids, user, action, str(form.get("note") or ""))
    return RedirectResponse(f"/queue?done={action}-{done}", status_code=303)


@guard(Role.VIEWER)
async def audit(request: Request) -> Response:
    """The audit trail, newest first, with the chain's verification status."""
    q = request.query_params
    flt = trail.AuditFilter(
        actor=q.get("actor") or None,
        event=q.get("event") or None,
        item_id=int_param(q.get("item"), "item"),
        run_id=q.get("run") or None,
        before=int_param(q.get("before"), "before"),
    )
    d = deps(request)
    data = await read(request, trail.read_page, flt)
    return render(request, "audit.html", a=data, f=flt, chain=d.chain.status())


@guard(Role.OPERATOR)
async def artifact(request: Request) -> Response:
    """An item's failure evidence (operators and admins; each opening is an audit row): pictures inline,
    anything else as a sandboxed download."""
    d = deps(request)
    found = await write(request, evidence.open_evidence, d.env, request.path_params["path"],
                        request.state.session.username)
    if found is None:
        raise HTTPException(404)
    path, relative = found.path, found.relative
    headers = {"Cache-Control": "no-store", "Content-Security-Policy": "sandbox"}
    if artifacts.is_image(relative):
        return FileResponse(path, media_type=artifacts.IMAGE_TYPES[path.suffix.lower()], headers=headers)
    return FileResponse(path, media_type="application/octet-stream", filename=path.name, headers=headers)
