"""The three-step form "Anmodning om refusion af sygedagpenge" and its receipt page.

Step 1 asks for employer and employee, step 2 for period, hours, amount and reason, step 3 shows a
summary and the declaration checkbox. The draft lives in the session; every step is checked on the
server and shown again with Danish messages when something is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sepbots.practice.data import REASON_LABELS_DA, Reason
from sepbots.practice.portal.sessions import Session
from sepbots.practice.portal.validation import (
    FieldError,
    check_cpr,
    check_cvr,
    check_date,
    check_decimal,
    check_reason,
    format_decimal,
)
from sepbots.practice.portal.web import checked_form, login_required, portal_of, redirect, render

STEP1_FIELDS = ("employer_cvr", "employee_cpr", "client_reference")
STEP2_FIELDS = ("period_from", "period_to", "hours", "amount", "reason")
DRAFT_KEY = "refusion"


def _draft(session: Session) -> dict[str, Any]:
    draft: dict[str, Any] = session.draft.setdefault(DRAFT_KEY, {})
    return draft


def _values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in names}


# the number fields of step 2: the messages when empty, not a number, not above 0
_DECIMAL_MESSAGES = {
    "hours": ("Udfyld antal timer.", "Antal timer skal være et tal, fx 37,5.", "Antal timer skal være større end 0."),
    "amount": ("Udfyld beløbet.", "Beløbet skal være et tal, fx 1.234,56.", "Beløbet skal være større end 0."),
}


def _field(clean: dict[str, Any], errors: dict[str, str], name: str, check: Callable[[], Any]) -> None:
    """``clean[name] = check()``, or the check's message in ``errors[name]``."""
    try:
        clean[name] = check()
    except FieldError as error:
        errors[name] = str(error)


def _check_step1(request: Request, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    _field(clean, errors, "employer_cvr", partial(check_cvr, values["employer_cvr"]))
    if "employer_cvr" in clean and portal_of(request).db.company(clean["employer_cvr"]) is None:
        errors["employer_cvr"] = "Arbejdsgiveren findes ikke i CVR-registeret."
    _field(clean, errors, "employee_cpr", partial(check_cpr, values["employee_cpr"]))
    if len(values["client_reference"]) > 100:
        errors["client_reference"] = "Egen reference må højst være 100 tegn."
    clean["client_reference"] = values["client_reference"]
    return clean, errors


def _check_step2(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, label in (("period_from", "periodens startdato"), ("period_to", "periodens slutdato")):
        _field(clean, errors, name, partial(check_date, values[name], label))
    if "period_from" in clean and "period_to" in clean and clean["period_to"] < clean["period_from"]:
        errors["period_to"] = "Periodens slutdato skal være samme dag som eller efter startdatoen."
    for name, (empty, bad, not_positive) in _DECIMAL_MESSAGES.items():
        _field(clean, errors, name, partial(check_decimal, values[name], empty=empty, bad=bad, not_positive=not_positive))
    _field(clean, errors, "reason", partial(check_reason, values["reason"]))
    return clean, errors


def _page(
    request: Request,
    session: Session,
    step: int,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        f"refusion_trin{step}.html",
        session,
        {
            "values": values,
            "errors": errors or {},
            "step": step,
            "reasons": [(r.value, REASON_LABELS_DA[r]) for r in Reason],
        },
        status_code=400 if errors else 200,
    )


@login_required
async def step1(request: Request) -> Response:
    """Step 1: employer CVR, employee CPR and the sender's own reference."""
    session: Session = request.state.session
    draft = _draft(session)
    if request.method == "GET":
        if request.query_params.get("ny"):
            draft.clear()
        return _page(request, session, 1, draft.get("raw1", dict.fromkeys(STEP1_FIELDS, "")))
    form = await checked_form(request, session)
    if isinstance(form, Response):
        return form
    values = _values(form, STEP1_FIELDS)
    clean, errors = _check_step1(request, values)
    if errors:
        return _page(request, session, 1, values, errors)
    draft.clear()
    draft.update(raw1=values, step1=clean)
    return redirect("/refusion/trin-2")


@login_required
async def step2(request: Request) -> Response:
    """Step 2: period, hours, amount and reason."""
    session: Session = request.state.session
    draft = _draft(session)
    if "step1" not in draft:
        return redirect("/refusion/trin-1")
    if request.method == "GET":
        return _page(request, session, 2, draft.get("raw2", dict.fromkeys(STEP2_FIELDS, "")))
    form = await checked_form(request, session)
    if isinstance(form, Response):
        return form
    values = _values(form, STEP2_FIELDS)
    clean, errors = _check_step2(values)
    if errors:
        return _page(request, session, 2, values, errors)
    draft.update(raw2=values, step2=clean)
    return redirect("/refusion/trin-3")


def _summary(draft: dict[str, Any]) -> list[tuple[str, str]]:
    one, two = draft["step1"], draft["step2"]
    cpr = one["employee_cpr"]
    return [
        ("Arbejdsgivers CVR-nummer", one["employer_cvr"]),
        ("Medarbejderens CPR-nummer", f"{cpr[:6]}-{cpr[6:]}"),
        ("Egen reference", one["client_reference"] or "–"),
        ("Periode", f"{two['period_from']:%d-%m-%Y} – {two['period_to']:%d-%m-%Y}"),
        ("Antal timer", format_decimal(two["hours"])),
        ("Beløb", f"{format_decimal(two['amount'])} kr."),
        ("Årsag", REASON_LABELS_DA[two["reason"]]),
    ]


@login_required
async def step3(request: Request) -> Response:
    """Step 3: summary and declaration; a valid post stores the request and shows the receipt."""
    portal = portal_of(request)
    session: Session = request.state.session
    draft = _draft(session)
    if "step1" not in draft:
        return redirect("/refusion/trin-1")
    if "step2" not in draft:
        return redirect("/refusion/trin-2")
    if request.method == "GET":
        return render(request, "refusion_trin3.html", session, {"summary": _summary(draft), "errors": {}})
    form = await checked_form(request, session)
    if isinstance(form, Response):
        return form
    if form.get("declaration") != "ja":
        return render(
            request,
            "refusion_trin3.html",
            session,
            {
                "summary": _summary(draft),
                "errors": {"declaration": "Du skal bekræfte erklæringen."},
            },
            status_code=400,
        )
    one, two = draft["step1"], draft["step2"]
    receipt = portal.db.add_submission(
        client_reference=one["client_reference"],
        username=session.username or "",
        employer_cvr=one["employer_cvr"],
        employee_cpr=one["employee_cpr"],
        period_from=two["period_from"],
        period_to=two["period_to"],
        hours=two["hours"],
        amount=two["amount"],
        reason=two["reason"].value,
        submitted_at=portal.clock.now(),
    )
    draft.clear()
    return redirect(f"/refusion/kvittering/{receipt}")


@login_required
async def receipt_page(request: Request) -> Response:
    """The receipt: "Kvitteringsnummer: SDP-2026-000123" and what was sent."""
    portal = portal_of(request)
    receipt = request.path_params["receipt"]
    sub = portal.db.submission(receipt)
    if sub is None:
        return HTMLResponse(
            "<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Ikke fundet"
            "</title></head><body><h1>Kvitteringen findes ikke</h1></body></html>",
            404,
        )
    summary = {
        "step1": {
            "employer_cvr": sub.employer_cvr,
            "employee_cpr": sub.employee_cpr,
            "client_reference": sub.client_reference,
        },
        "step2": {
            "period_from": sub.period_from,
            "period_to": sub.period_to,
            "hours": sub.hours,
            "amount": sub.amount,
            "reason": Reason(sub.reason),
        },
    }
    return render(
        request,
        "refusion_kvittering.html",
        request.state.session,
        {
            "receipt": receipt,
            "summary": _summary(summary),
            "submitted_at": sub.submitted_at,
        },
    )


@login_required
async def overview(request: Request) -> Response:
    """ "Mine anmodninger": the user's submitted requests, optionally only those with one own reference."""
    portal = portal_of(request)
    session: Session = request.state.session
    reference = request.query_params.get("reference", "").strip()
    found = [s for s in portal.db.submissions(reference or None) if s.username == session.username]
    return render(
        request, "refusion_oversigt.html", session, {"reference": reference, "submissions": found[-200:]}
    )


routes = [
    Route("/refusion", lambda request: redirect("/refusion/trin-1?ny=1")),
    Route("/refusion/trin-1", step1, methods=["GET", "POST"]),
    Route("/refusion/trin-2", step2, methods=["GET", "POST"]),
    Route("/refusion/trin-3", step3, methods=["GET", "POST"]),
    Route("/refusion/kvittering/{receipt}", receipt_page),
    Route("/refusion/anmodninger", overview),
]
