"""The client's address for rate limiting only: never stored, never logged.

``X-Forwarded-For`` is believed only for as many hops as ``SENIM_TRUSTED_PROXIES`` says; with
the default 0, a spoofed header changes nothing.
"""
from __future__ import annotations

from flask import current_app, request


def client_address() -> str:
    """Address used as the rate-limit key (honours only trusted proxy hops)."""
    hops = int(current_app.config.get("SENIM_TRUSTED_PROXIES", 0) or 0)
    if hops > 0:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"
