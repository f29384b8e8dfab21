"""The server's door for what Streamlit serves outside a page run (serve.py installs it).

Streamlit serves a page's files (`/media/…`: downloads, images), accepts uploads
(`/_stcore/upload_file/…`) and reports its internals (`/_stcore/metrics`) without asking who
is there. This ASGI middleware asks, on every such request, the same question every staff
page asks on every run: does the request's session cookie belong to a live staff session
(`StaffAccounts.signed_in`)? So a download held by a Case tab is refused on the first request
after a sign-out, a deactivation or the session's end, and an anonymous visitor can neither
fetch a staff file nor push an upload. It also sets the session cookie itself, HttpOnly (and
Secure over HTTPS), from a one-time ticket the page hands the browser: the session token is
never written into the page.

Not a page: st.navigation lists the pages explicitly.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from matcher.workspace import Database, Staff, StaffAccounts, utcnow

COOKIE = "matcher_session"
SESSION_ROUTE = "/staff-session"  # POST a ticket: the cookie; DELETE: no cookie
SESSION_SECONDS = 8 * 3600  # the cookie lives as long as a session may (auth.SESSION_LIFETIME)
TICKET_SECONDS = 60
# Files public pages offer (the investor's own ranking); every other file Streamlit holds is
# served only to a live staff session. Named once: the public ranking's download uses it.
PUBLIC_RANKING = "ranking.csv"
PUBLIC_DOWNLOADS = frozenset({PUBLIC_RANKING})
METRICS = "/_stcore/metrics"
UPLOADS = "/_stcore/upload_file/"
MEDIA = "/media/"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_tickets: dict[str, tuple[str, float]] = {}
_tickets_lock = threading.Lock()
_accounts: StaffAccounts | None = None
_accounts_lock = threading.Lock()
_installed = False


def installed() -> bool:
    """True when this process serves the app through the gate (serve.py)."""
    return _installed


def ticket_for(token: str) -> str:
    """A one-time ticket, good for TICKET_SECONDS, that the browser exchanges for the session
    cookie (SESSION_ROUTE): the page carries the ticket, never the token."""
    ticket = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _tickets_lock:
        for old in [k for k, (_, made) in _tickets.items() if now - made > TICKET_SECONDS]:
            del _tickets[old]
        _tickets[ticket] = (token, now)
    return ticket


def _redeem(ticket: str) -> str | None:
    with _tickets_lock:
        found = _tickets.pop(ticket, None)
    if found is None or time.monotonic() - found[1] > TICKET_SECONDS:
        return None
    return found[0]


def _staff_accounts() -> StaffAccounts:
    global _accounts
    with _accounts_lock:
        if _accounts is None:
            _accounts = StaffAccounts(Database.open())
        return _accounts


def _cookie_token(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed header: no session
                return ""
            if COOKIE in jar:
                return jar[COOKIE].value
    return ""


async def signed_in_staff(scope: Scope) -> Staff | None:
    """The live staff session the request's cookie belongs to; None for none (or when the
    database cannot say: refuse, never guess)."""
    token = _cookie_token(scope)
    if not token:
        return None
    try:
        return await run_in_threadpool(_staff_accounts().signed_in, token, utcnow())
    except Exception:
        return None


async def _is_staff(scope: Scope) -> bool:
    return await signed_in_staff(scope) is not None


def _attachment_name(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"content-disposition":
            text = value.decode("latin-1")
            if 'filename="' in text:
                return text.split('filename="', 1)[1].split('"', 1)[0]
            return ""
    return None


async def _refuse(send: Send, status: int) -> None:
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


class Gate:
    """ASGI middleware: metrics are not served; uploads and every non-public media file need
    a live staff session's cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path == METRICS or path.startswith(METRICS + "/"):
            await _refuse(send, 404)
            return
        uploading = path.startswith(UPLOADS) and scope.get("method") != "OPTIONS"
        if uploading and not await _is_staff(scope):
            await _refuse(send, 403)
            return
        if path.startswith(MEDIA) and not await _is_staff(scope):
            await self.app(scope, receive, _public_only(send))
            return
        await self.app(scope, receive, send)


def _public_only(send: Send) -> Send:
    """`send` that lets through only a public download; anything else becomes a 403."""
    refused = False

    async def guarded(message: Message) -> None:
        nonlocal refused
        if message["type"] == "http.response.start":
            name = _attachment_name(list(message.get("headers", [])))
            # 200 and 206 (a range) alike: only a file of a public page passes.
            if 200 <= int(message.get("status", 500)) < 300 and name not in PUBLIC_DOWNLOADS:
                refused = True
                await _refuse(send, 403)
                return
        elif refused:
            return
        await send(message)

    return guarded


async def _session(request: Request) -> Response:
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    secure = request.url.scheme == "https"
    if request.method == "DELETE":
        response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="strict")
        return response
    token = _redeem((await request.body()).decode("ascii", "replace").strip())
    if token is None:
        return Response(status_code=403)
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_SECONDS,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    return response


def routes() -> list[Route]:
    """The cookie's own route (POST a ticket, DELETE to sign out) and the batch results'
    download (app_pages.batch_download)."""
    global _installed
    _installed = True
    from app_pages.batch_download import route as batch_result_route

    return [Route(SESSION_ROUTE, _session, methods=["POST", "DELETE"]), batch_result_route()]
