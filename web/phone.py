"""The visitor's ticket page: `/t/<token>` and `/T/<token>` (the QR's upper-case URL) answer the same
HTML for any token (data/web/phone/index.html; its script reads the token from the address and follows
the ticket through the JSON API), its script, style and font under `/t/static/`, and its texts in the
seven languages as `/t/static/texts.js`, made from the gettext catalogues (kiosk.presentation.visitor_page).

Every answer forbids loading anything from elsewhere (Content-Security-Policy: this server only) and
sends no referrer, so the ticket's address never leaves the page."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from kiosk.paths import bundled_data
from kiosk.presentation.visitor_page import all_page_texts

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def phone_dir() -> Path:
    return bundled_data() / "web" / "phone"


@cache
def _page() -> bytes:
    return (phone_dir() / "index.html").read_bytes()


@cache
def texts_script() -> str:
    """The page's texts for every language, as a script setting `window.PAGE_TEXTS`."""
    data = json.dumps(all_page_texts(), ensure_ascii=False, sort_keys=True)
    return f"window.PAGE_TEXTS = {data};\n"


async def page(request: Request) -> Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return Response(_page(), media_type="text/html; charset=utf-8", headers=headers)


async def texts(request: Request) -> Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    return Response(texts_script(), media_type="text/javascript; charset=utf-8", headers=headers)


class PageFiles(StaticFiles):
    """The page's own files, with the same headers; revalidated, so an update reaches phones."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update({**SECURITY_HEADERS, "Cache-Control": "no-cache"})
        return response


def routes() -> list[BaseRoute]:
    return [
        Route("/t/static/texts.js", texts, methods=["GET", "HEAD"]),
        Mount("/t/static", PageFiles(directory=phone_dir()), name="phone"),
        Route("/t/{token}", page, methods=["GET", "HEAD"]),
        Route("/T/{token}", page, methods=["GET", "HEAD"]),
    ]
