"""The Starlette application: routes, bearer tokens and scopes, rate limits, JSON errors.

Every error is JSON `{"error": "..."}` with its status; an unexpected one is logged and answered 500
without a traceback. Tickets are addressed only by their signed token (the text of the QR's last
part), never by id, so no one can walk through the day's tickets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any, ParamSpec, TypeVar

from anyio import to_thread
from pydantic import BaseModel, ConfigDict
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kiosk import __version__
from kiosk.domain.languages import LANGUAGES
from kiosk.domain.tickets import State
from kiosk.errors import (
    StorageUnavailable,
)
from kiosk.presentation.figures import stats_json
from kiosk.presentation.rating_figures import with_ratings
from kiosk.queue.actions import BY_NAME, TicketAction
from kiosk.security.tokens import TokenDirectory, TokenInfo
from kiosk.service import QueueService
from web import appointments, phone, ratings
from web.errors import HANDLERS, ApiError, body_of
from web.headers import SafeHeaders
from web.hub import Hub
from web.limits import BodyLimit
from web.openapi import openapi
from web.ratelimit import RateLimit
from web.views import iso, ticket_json

log = logging.getLogger("kiosk.web")
KEEP_ALIVE_SECONDS = 15.0
LOOKUP_RATE = "60/minute"  # bookings looked up or cancelled by code, per API token
P = ParamSpec("P")
R = TypeVar("R")
Handler = Callable[[Request], Awaitable[Response]]
ScopedHandler = Callable[[Request, TokenInfo], Awaitable[Response]]  # with the token it was called with

STREAMS_PER_CLIENT = 32  # a family, or a centre's wifi behind one address, follows several tickets


class NewTicket(BaseModel):
    """The body of `POST /api/v1/tickets`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    service: str
    language: str | None = None
    priority: str | None = None
    interpreter: bool = False


class Api:
    """The endpoints over one queue service and its token directory."""

    def __init__(
        self, service: QueueService, tokens: TokenDirectory, hub: Hub, rate: RateLimit, keep_alive: float
    ) -> None:
        self.service = service
        self.tokens = tokens
        self.hub = hub
        self.rate = rate
        self.keep_alive = keep_alive
        self.lookups = RateLimit(LOOKUP_RATE)  # per token: a booking's code is its only secret

    async def call(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """A blocking core call, off the event loop."""
        return await to_thread.run_sync(lambda: function(*args, **kwargs))

    def public(self, handler: Handler) -> Handler:
        """An endpoint anyone may call (the ticket's token is its capability): rate-limited per
        address."""

        async def endpoint(request: Request) -> Response:
            self.limit(request)
            return await handler(request)

        return endpoint

    def scoped(self, scope: str, handler: ScopedHandler) -> Handler:
        """An endpoint for an API token of `scope`: rate-limited per address, then the token checked
        and handed to the handler."""

        async def endpoint(request: Request) -> Response:
            self.limit(request)
            return await handler(request, await self.authorise(request, scope))

        return endpoint

    @staticmethod
    def request_key(request: Request) -> str | None:
        """The client's Idempotency-Key: a retry with the same key (and token) is answered with what
        the first request made, and makes nothing new. 1 to 64 printable ASCII characters."""
        key = request.headers.get("idempotency-key")
        if key is None:
            return None
        if not 1 <= len(key) <= 64 or not (key.isascii() and key.isprintable()):
            raise ApiError(400, "Idempotency-Key is 1 to 64 printable ASCII characters (e.g. a UUID)")
        return key

    def limit(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = self.rate.hit(client)
        if wait is not None:
            raise ApiError(429, f"too many requests: try again in {wait} s", {"Retry-After": str(wait)})

    def limit_lookups(self, token: TokenInfo) -> None:
        """Count one lookup of a booking by its code for `token`: a client guessing codes is slowed
        down whichever addresses it sends from."""
        wait = self.lookups.hit(f"token:{token.name}")
        if wait is not None:
            raise ApiError(
                429,
                f"too many booking lookups with this token: try again in {wait} s",
                {"Retry-After": str(wait)},
            )

    async def authorise(self, request: Request, scope: str) -> TokenInfo:
        header = request.headers.get("authorization", "")
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise ApiError(
                401, "this needs an API token: Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"}
            )
        info: TokenInfo | None = await self.call(self.tokens.check, token.strip())
        if info is None:
            raise ApiError(401, "unknown or revoked API token", {"WWW-Authenticate": "Bearer"})
        if not info.allows(scope):
            raise ApiError(403, f"the API token {info.name!r} has scope {info.scope!r}; this needs {scope!r}")
        return info

    def lang(self, request: Request) -> str | None:
        lang = request.query_params.get("lang")
        if lang is not None and lang not in LANGUAGES:
            raise ApiError(400, f"lang must be one of {', '.join(LANGUAGES)}")
        return lang

    async def status_json(self, ticket_id: int, lang: str | None) -> dict[str, Any]:
        statuses = await self.call(self.service.ticket_statuses, [ticket_id])
        if ticket_id not in statuses:
            raise ApiError(404, "no such ticket was issued here today")
        return ticket_json(statuses[ticket_id], self.service.catalogue, self.service.settings.zone, lang)

    async def ticket_id(self, request: Request) -> int:
        ticket = await self.call(self.service.ticket_of_token, request.path_params["token"])
        return int(ticket.id)

    # Ticket-facing: the signed token is the capability --------------------------------------

    async def get_ticket(self, request: Request) -> Response:
        lang = self.lang(request)
        return JSONResponse(await self.status_json(await self.ticket_id(request), lang))

    async def ticket_events(self, request: Request) -> Response:
        lang = self.lang(request)
        ticket = await self.call(self.service.ticket_of_token, request.path_params["token"])
        client = request.client.host if request.client else "unknown"
        if self.hub.streams_of[client] >= STREAMS_PER_CLIENT:
            raise ApiError(429, "too many open event streams from this address", {"Retry-After": "30"})
        sub = self.hub.subscribe(ticket.id, ticket.department, lang, client)  # before the first read: no gap
        try:
            first = await self.status_json(ticket.id, lang)
        except BaseException:
            self.hub.unsubscribe(sub)
            raise
        sub.last = first

        async def stream() -> AsyncIterator[str]:
            try:
                yield "retry: 2000\n\n"
                yield f"data: {json.dumps(first, ensure_ascii=False)}\n\n"
                while True:
                    try:
                        data = await asyncio.wait_for(sub.next(), self.keep_alive)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if sub.closed:
                        return
                    if data is not None:
                        yield f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
            finally:
                self.hub.unsubscribe(sub)

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}  # a ticket's own events
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    def phone_action(self, action: TicketAction) -> Handler:
        """One of the visitor's own actions of `kiosk.queue.actions` (on my way, leave) on the
        token's ticket, answered with the ticket's status."""
        run = action.run
        assert run is not None

        async def endpoint(request: Request) -> Response:
            ticket_id = await self.ticket_id(request)
            await self.call(run, self.service, ticket_id, "phone")
            return JSONResponse(await self.status_json(ticket_id, self.lang(request)))

        return endpoint

    # Integrators: bearer tokens ---------------------------------------------------------------

    async def queue(self, request: Request, token: TokenInfo) -> Response:
        lang = self.lang(request) or self.service.settings.main_language
        tickets = await self.call(self.service.day_view)
        zone = self.service.settings.zone
        departments = []
        for d in self.service.catalogue.department:
            mine = [t for t in tickets if t.department == d.code]
            called = [t for t in mine if t.state in (State.CALLED, State.SERVING)]
            departments.append(
                {
                    "code": d.code,
                    "name": d.name(lang),
                    "windows": list(d.windows),
                    "waiting": sum(t.state == State.WAITING for t in mine),
                    "called": [
                        {
                            "number": t.code,
                            "window": t.window,
                            "state": t.state.value,
                            "called_at": iso(t.called_at, zone),
                        }
                        for t in called
                    ],
                }
            )
        return JSONResponse(
            {"day": (await self.call(self.service.today)).isoformat(), "departments": departments}
        )

    async def stats(self, request: Request, token: TokenInfo) -> Response:
        text = request.query_params.get("day")
        try:
            day = date.fromisoformat(text) if text else None
        except ValueError:
            raise ApiError(400, "day must be a date like 2026-11-23") from None
        figures = await self.call(self.service.stats, day)
        ratings = await self.call(self.service.ratings, day)
        chosen = day if day is not None else await self.call(self.service.today)
        return JSONResponse({"day": chosen.isoformat(), **with_ratings(stats_json(figures), ratings)})

    async def issue(self, request: Request, token: TokenInfo) -> Response:
        key = self.request_key(request)
        body = body_of(NewTicket, await request.body(), "ticket request")
        language = body.language or self.service.settings.main_language
        issued = await self.call(
            self.service.issue,
            body.service,
            language=language,
            priority=body.priority,
            interpreter=body.interpreter,
            source="api",
            token=token.name,
            request_key=key,
        )
        data = await self.status_json(issued.ticket.id, None)
        data["qr"] = issued.qr
        data["token"] = self.service.ticket_token(issued.ticket)
        return JSONResponse(data, status_code=201)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi())

    async def health(self, request: Request) -> Response:
        """For a monitoring system: 200 while the database answers, with today's printing in
        figures; 503 when it does not. No token, no personal data, no address or driver message."""
        self.limit(request)
        try:
            printers = await self.call(self.service.print_health)
        except StorageUnavailable:
            log.warning("health probe: the database is unavailable")
            body = {"database": "unavailable", "printers": None, "version": __version__}
            return JSONResponse(body, status_code=503, headers={"Retry-After": "30"})
        return JSONResponse({"database": "ok", "printers": printers, "version": __version__})


def create_app(
    service: QueueService,
    tokens: TokenDirectory | None = None,
    *,
    rate: str = "120/minute",
    follow_interval: float = 0.4,
    keep_alive: float = KEEP_ALIVE_SECONDS,
) -> Starlette:
    """The API over `service` (its database and clock). The hub's follower runs for the app's
    lifetime (the lifespan), so a test's TestClient and uvicorn both start and stop it."""
    tokens = tokens or TokenDirectory(service.db, service.clock, service.settings.zone)
    hub = Hub(service, follow_interval)
    api = Api(service, tokens, hub, RateLimit(rate), keep_alive)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(hub.run())
        try:
            yield
        finally:
            hub.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes = [
        Route("/api/v1/openapi.json", api.openapi, methods=["GET"]),
        Route("/healthz", api.health, methods=["GET"]),
        Route("/api/v1/tickets/{token}", api.public(api.get_ticket), methods=["GET"]),
        Route("/api/v1/tickets/{token}/events", api.public(api.ticket_events), methods=["GET"]),
        Route(
            "/api/v1/tickets/{token}/on-my-way",
            api.public(api.phone_action(BY_NAME["on_my_way"])),
            methods=["POST"],
        ),
        Route(
            "/api/v1/tickets/{token}/leave", api.public(api.phone_action(BY_NAME["leave"])), methods=["POST"]
        ),
        *ratings.routes(api),  # POST /api/v1/tickets/{token}/rating, once served
        Route("/api/v1/tickets", api.scoped("issue", api.issue), methods=["POST"]),
        Route("/api/v1/queue", api.scoped("read", api.queue), methods=["GET"]),
        Route("/api/v1/stats", api.scoped("read", api.stats), methods=["GET"]),
        *appointments.routes(api),
        # The visitor's ticket page: `/t/{token}` and `/T/{token}` (the QR's upper-case URL), its
        # assets under `/t/static/` (web.phone, data/web/phone/).
        *phone.routes(),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers=HANDLERS,
        lifespan=lifespan,
        middleware=[Middleware(SafeHeaders), Middleware(BodyLimit)],
    )
    app.state.hub = hub
    return app
