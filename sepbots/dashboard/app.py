"""The dashboard application: ``create_app(settings, store)`` returns a Starlette ASGI app."""

from __future__ import annotations

from pathlib import Path

import jinja2
from sqlalchemy import create_engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sepbots.dashboard import views, views_admin, views_auth, views_benchmark, views_items, views_more
from sepbots.dashboard.chain import ChainMonitor
from sepbots.dashboard.insights import Insights
from sepbots.dashboard.web import Deps, render
from sepbots.environment import Environment

HERE = Path(__file__).parent
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """Adds a strict content security policy and friends to every response (unless already set),
    and HSTS when the request came over HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                if scope.get("scheme") == "https" and HSTS[0] not in present:
                    headers.append(HSTS)  # only over HTTPS (directly or from a trusted proxy), per RFC 6797
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    key = {400: "error.bad_request", 403: "error.forbidden", 404: "error.not_found", 405: "error.method", 409: "error.conflict"}.get(
        code, "error.other"
    )
    return render(request, "error.html", status_code=code, code=code, message=key)


def create_app(env: Environment) -> Starlette:
    """Build the dashboard over an opened installation.

    Args:
        env: the installation (settings, store, clock, audit trail, queues), opened once by the caller.
    """
    store = env.store
    read_engine = store.engine
    if store.dialect == "sqlite":
        # Reads must not take SQLite's write lock (the store's engine begins IMMEDIATE).
        read_engine = create_engine(store.url, connect_args={"check_same_thread": False, "timeout": 30})
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=jinja2.select_autoescape(default=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    deps = Deps(
        env=env, read_engine=read_engine, templates=templates, chain=ChainMonitor(env.audit, env.clock),
        insights=Insights(env),
    )
    routes = [
        Route("/", views.overview),
        Route("/login", views_auth.login_form, methods=["GET"]),
        Route("/login", views_auth.login, methods=["POST"]),
        Route("/logout", views_auth.logout, methods=["POST"]),
        Route("/lang/{code}", views_auth.switch_language),
        Route("/runs", views.runs),
        Route("/runs/{run_id}", views.run),
        Route("/items/{item_id}", views.item),
        Route("/items/{item_id}/handle", views.handle_item, methods=["POST"]),
        Route("/items/{item_id}/retry", views.retry_item, methods=["POST"]),
        Route("/queue", views.queue),
        Route("/queue/bulk", views.queue_bulk, methods=["POST"]),
        Route("/items/{item_id}/correct", views_items.correct_form, methods=["GET"]),
        Route("/items/{item_id}/correct", views_items.correct, methods=["POST"]),
        Route("/audit", views.audit),
        Route("/users", views_admin.user_list),
        Route("/users/{username}/disable", views_admin.disable_user, methods=["POST"]),
        Route("/users/{username}/enable", views_admin.enable_user, methods=["POST"]),
        Route("/schedules", views_more.schedules),
        Route("/schedules/{name}/pause", views_more.pause_schedule, methods=["POST"]),
        Route("/schedules/{name}/resume", views_more.resume_schedule, methods=["POST"]),
        Route("/catalogue", views_more.catalogue),
        Route("/gains", views_more.gains),
        Route("/benchmark", views_benchmark.benchmark),
        Route("/artifacts/{path:path}", views.artifact),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error, 500: _http_error})
    app.state.deps = deps
    app.add_middleware(SecurityHeaders)
    return app
