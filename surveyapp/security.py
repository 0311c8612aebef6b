"""Response headers that every page carries (CSP, framing, sniffing, caching)."""
from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def init_security(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure or app.config.get("SENIM_ENV") == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


#: Statuses besides redirects (3xx) on which ``Retry-After`` tells a client when to come back
#: (RFC 9110 §10.2.3, RFC 6585 §4): a body too large for now, too many requests, service unavailable.
RETRY_AFTER_STATUSES = frozenset({413, 429, 503})


def init_retry_after_scope(app: Flask) -> None:
    """Send ``Retry-After`` only where it asks the client to wait.

    Flask-Limiter adds it to every response of a rate-limited route, a 201 or a 422 included,
    where a client that honours it would hold back its next submission for no reason. The
    ``X-RateLimit-*`` headers stay. Must be registered before ``limiter.init_app``: Flask runs
    after-request hooks last-registered first, so this one then sees the limiter's headers.
    """

    @app.after_request
    def _retry_after_only_when_waiting(response: Response) -> Response:
        status = response.status_code
        if "Retry-After" in response.headers and not (300 <= status < 400 or status in RETRY_AFTER_STATUSES):
            del response.headers["Retry-After"]
        return response
