"""Safe defaults: an access token off localhost, CSRF on writes, a strict CSP, trusted hosts.

The token is checked on every request (header `Authorization: Bearer T`, or the cookie set after
visiting `/?token=T` once). Writes need a same-origin POST whose form field `csrf` equals the
`rr_csrf` cookie (double submit; the cookie is SameSite=Strict, so another site can neither read
nor send it).
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import URL
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_COOKIE = "rr_token"
CSRF_COOKIE = "rr_csrf"

# nothing from another origin; no inline script or style; forms post only here
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def needs_token(host: str) -> bool:
    return host not in LOCAL_HOSTS


class Guard(BaseHTTPMiddleware):
    """Host check (DNS rebinding), token, CSRF cookie, security headers."""

    def __init__(self, app, token: str | None, allowed_hosts: tuple[str, ...] | None):
        super().__init__(app)
        self.token = token
        self.allowed_hosts = allowed_hosts

    def _host_ok(self, request: Request) -> bool:
        if self.allowed_hosts is None:
            return True
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        return host in self.allowed_hosts

    def _token_ok(self, request: Request) -> bool:
        if not self.token:
            return True
        given = request.cookies.get(TOKEN_COOKIE) or ""
        auth = request.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def dispatch(self, request: Request, call_next) -> Response:
        if not self._host_ok(request):
            return self._secure(PlainTextResponse("unknown host", status_code=400), request)
        if self.token and request.query_params.get("token") is not None:
            if hmac.compare_digest(request.query_params["token"].encode(), self.token.encode()):
                # trade the token in the address for a cookie, and drop it from the address
                query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                url = URL(str(request.url.path)).include_query_params(**dict(query)) if query else request.url.path
                response = RedirectResponse(str(url), status_code=303)
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return self._secure(response, request)
        if not self._token_ok(request):
            return self._secure(PlainTextResponse("401: this reading room needs its access token "
                                                  "(open the address printed by `readingroom serve`)",
                                                  status_code=401), request)
        if request.method == "POST" and not same_origin(request):
            return self._secure(PlainTextResponse("403: cross-origin write refused", status_code=403), request)
        response = await call_next(request)
        return self._secure(response, request)

    def _secure(self, response: Response, request: Request) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        made = request.scope.get("rr_csrf")
        if made and request.cookies.get(CSRF_COOKIE) != made:
            response.set_cookie(CSRF_COOKIE, made, httponly=True, samesite="strict")
        return response


def same_origin(request: Request) -> bool:
    """A POST whose Origin (or, lacking it, Referer) names this server."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    here = request.headers.get("host", "")
    return urlsplit(origin).netloc == here


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (made on first sight, set as a cookie by `Guard`)."""
    if "rr_csrf" not in request.scope:
        request.scope["rr_csrf"] = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    return request.scope["rr_csrf"]


def check_csrf(request: Request, form_value: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and form_value and hmac.compare_digest(cookie.encode(), form_value.encode()))


async def checked_form(request: Request):
    """A write's form, once its CSRF token is checked (403 otherwise): every POST reads it so."""
    from starlette.exceptions import HTTPException
    form = await request.form(max_files=0, max_fields=10, max_part_size=64 * 1024)
    if not check_csrf(request, form.get("csrf")):
        raise HTTPException(403, "the form's CSRF token is missing or stale: reload the page and try again")
    return form
