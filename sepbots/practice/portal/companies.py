"""Company lookup "Virksomhedsopslag": search by CVR number or name, result pages, detail page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sepbots.practice.portal.web import login_required, portal_of, redirect, render


def _not_found(request: Request, query: str) -> Response:
    return render(request, "virksomhed_ikke_fundet.html", request.state.session, {"query": query}, 404)


@login_required
async def search(request: Request) -> Response:
    """Search form; an 8-digit query goes straight to the company, other text searches names."""
    portal = portal_of(request)
    query = request.query_params.get("q", "").strip()
    if not query:
        return render(request, "virksomheder.html", request.state.session, {"query": "", "result": None})
    digits = query.replace(" ", "")
    if digits.isdigit():
        if len(digits) == 8 and portal.db.company(digits):
            return redirect(f"/virksomheder/{digits}")
        return _not_found(request, query)
    try:
        page = int(request.query_params.get("side", "1"))
    except ValueError:
        page = 1
    result = portal.db.search_companies(query, page=page, page_size=portal.config.page_size)
    if not result.total:
        return _not_found(request, query)
    return render(request, "virksomheder.html", request.state.session, {"query": query, "result": result})


@login_required
async def detail(request: Request) -> Response:
    """One company: name, address, status, industry code and start date."""
    cvr = request.path_params["cvr"]
    company = portal_of(request).db.company(cvr)
    if company is None:
        return _not_found(request, cvr)
    return render(request, "virksomhed.html", request.state.session, {"company": company})


routes = [
    Route("/virksomheder", search),
    Route("/virksomheder/{cvr}", detail),
]
