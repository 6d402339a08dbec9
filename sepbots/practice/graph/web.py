"""Routes of the practice Graph server (see the package docstring for what they do)."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sepbots.practice.graph.mailstore import MailStore, NotFound

Endpoint = Callable[[Request], Awaitable[Response]]
_EQ = re.compile(r"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$")
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


class Clock(Protocol):
    def now(self) -> datetime: ...


class _WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class GraphConfig(BaseModel):
    """One practice tenant with one app registration.

    Args:
        tenant: the directory (tenant) id in the token URL.
        client_id / client_secret: the app registration's credentials.
        mailboxes: the users whose mail the app may use (an application access policy).
        token_lifetime_s: how long a token is valid.
        throttle_every: answer every n-th Graph call with 429 (0: never).
        retry_after_s: the ``Retry-After`` sent with 429.
    """

    model_config = ConfigDict(frozen=True)

    tenant: str = "practice-tenant"
    client_id: str = "sepbots-practice-app"
    client_secret: str = "practice-client-secret"
    mailboxes: tuple[str, ...] = ("postkasse@practice.kommune.dk",)
    token_lifetime_s: int = Field(3599, gt=0)
    throttle_every: int = Field(0, ge=0)
    retry_after_s: int = Field(1, ge=0)


@dataclass
class GraphPractice:
    """The running server's state."""

    config: GraphConfig
    clock: Clock
    store: MailStore = field(default_factory=MailStore)
    tokens: dict[str, datetime] = field(default_factory=dict)
    calls: int = 0
    throttled: int = 0
    tokens_issued: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def expire_tokens(self) -> None:
        """Make every issued token expired now (as if an hour passed)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, self.clock.now() - timedelta(seconds=1))


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _graph(request: Request) -> GraphPractice:
    return request.app.state.graph  # type: ignore[no-any-return]  # Starlette's app.state is untyped; set by create_app


async def token(request: Request) -> Response:
    graph = _graph(request)
    config = graph.config
    form = await request.form()
    if request.path_params["tenant"] != config.tenant:
        return JSONResponse({"error": "invalid_request", "error_description": "AADSTS90002: Tenant not found."}, 400)
    if form.get("grant_type") != "client_credentials" or form.get("scope") != GRAPH_SCOPE:
        return JSONResponse({"error": "invalid_request", "error_description": "AADSTS900144: grant_type/scope"}, 400)
    if form.get("client_id") != config.client_id or form.get("client_secret") != config.client_secret:
        return JSONResponse({"error": "invalid_client",
                             "error_description": "AADSTS7000215: Invalid client secret provided."}, 401)
    value = secrets.token_urlsafe(32)
    with graph.lock:
        graph.tokens[value] = graph.clock.now() + timedelta(seconds=config.token_lifetime_s)
        graph.tokens_issued += 1
    return JSONResponse({"token_type": "Bearer", "expires_in": config.token_lifetime_s, "access_token": value})


def guarded(handler: Callable[[Request, GraphPractice, str], Awaitable[Response]]) -> Endpoint:
    """Token check, mailbox access policy and throttling around a Graph endpoint."""

    async def endpoint(request: Request) -> Response:
        graph = _graph(request)
        config = graph.config
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        with graph.lock:
            expires = graph.tokens.get(value) if scheme.lower() == "bearer" else None
            graph.calls += 1
            throttle = bool(config.throttle_every) and graph.calls % config.throttle_every == 0
            graph.throttled += throttle
        if expires is None:
            return _error(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
        if expires <= graph.clock.now():
            return _error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
        if throttle:
            return _error(429, "TooManyRequests", "Application is over its MailboxConcurrency limit.",
                          {"Retry-After": str(config.retry_after_s)})
        user = request.path_params["user"]
        if user.lower() not in {m.lower() for m in config.mailboxes}:
            return _error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        graph.store.add_user(user)
        try:
            return await handler(request, graph, user)
        except NotFound as exc:
            return _error(404, "ErrorItemNotFound", f"The specified object was not found in the store. ({exc})")
        except ValueError as exc:
            return _error(400, "BadRequest", str(exc))

    return endpoint


def _equals(request: Request, field_name: str) -> str | None:
    raw = request.query_params.get("$filter")
    if raw is None:
        return None
    match = _EQ.match(raw)
    if match is None or match.group(1) != field_name:
        raise ValueError(f"Unsupported $filter: {raw}")
    return match.group(2).replace("''", "'")


async def folders(request: Request, graph: GraphPractice, user: str) -> Response:
    if request.method == "POST":
        body = await request.json()
        try:
            return JSONResponse(graph.store.create_folder(user, str(body["displayName"])), 201)
        except ValueError as exc:
            return _error(409, "ErrorFolderExists", str(exc))
    found = graph.store.folders(user)
    name = _equals(request, "displayName")
    return JSONResponse({"value": [f for f in found if name is None or f["displayName"] == name]})


async def folder_messages(request: Request, graph: GraphPractice, user: str) -> Response:
    top = int(request.query_params.get("$top", "10"))
    skip = int(request.query_params.get("$skip", "0"))
    if not 1 <= top <= 1000:
        return _error(400, "ErrorInvalidParameter", "$top must be between 1 and 1000")
    messages = graph.store.in_folder(user, request.path_params["folder"])
    wanted = _equals(request, "internetMessageId")
    if wanted is not None:
        messages = [m for m in messages if m.internet_message_id == wanted]
    page: dict[str, Any] = {"value": [m.resource() for m in messages[skip: skip + top]]}
    if skip + top < len(messages):
        page["@odata.nextLink"] = str(request.url.include_query_params(**{"$skip": skip + top, "$top": top}))
    return JSONResponse(page)


async def message(request: Request, graph: GraphPractice, user: str) -> Response:
    stored = graph.store.get(user, request.path_params["id"])
    if request.method == "PATCH":
        body = await request.json()
        with graph.store.lock:
            stored.categories = list(body.get("categories", stored.categories))
            stored.is_read = bool(body.get("isRead", stored.is_read))
            stored.flag_status = str(body.get("flag", {}).get("flagStatus", stored.flag_status))
    return JSONResponse(stored.resource())


async def move(request: Request, graph: GraphPractice, user: str) -> Response:
    body = await request.json()
    immutable = 'IdType="ImmutableId"' in request.headers.get("prefer", "")
    moved = graph.store.move(user, request.path_params["id"], str(body["destinationId"]), immutable=immutable)
    return JSONResponse(moved.resource(), 201)


async def attachments(request: Request, graph: GraphPractice, user: str) -> Response:
    stored = graph.store.get(user, request.path_params["id"])
    return JSONResponse({"value": [a.resource() for a in stored.attachments]})


async def send_mail(request: Request, graph: GraphPractice, user: str) -> Response:
    body = await request.json()
    if not body.get("message", {}).get("toRecipients"):
        return _error(400, "ErrorInvalidRecipients", "At least one recipient is not valid.")
    with graph.store.lock:
        graph.store.sent.append({"from": user, **body})
    return Response(status_code=202)


def create_app(config: GraphConfig, *, clock: Clock | None = None) -> Starlette:
    """The practice Graph app; ``app.state.graph`` is its :class:`GraphPractice`."""
    base = "/v1.0/users/{user}"
    app = Starlette(routes=[
        Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
        Route(f"{base}/mailFolders", guarded(folders), methods=["GET", "POST"]),
        Route(f"{base}/mailFolders/{{folder}}/messages", guarded(folder_messages)),
        Route(f"{base}/messages/{{id}}", guarded(message), methods=["GET", "PATCH"]),
        Route(f"{base}/messages/{{id}}/move", guarded(move), methods=["POST"]),
        Route(f"{base}/messages/{{id}}/attachments", guarded(attachments)),
        Route(f"{base}/sendMail", guarded(send_mail), methods=["POST"]),
    ])
    app.state.graph = GraphPractice(config, clock or _WallClock())
    for mailbox in config.mailboxes:
        app.state.graph.store.add_user(mailbox)
    return app
