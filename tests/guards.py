"""Autouse guards: a test fails if it reaches for the network or downloads NLTK data.

Loopback (127.0.0.0/8, ::1) and Unix sockets stay allowed: PostgreSQL, Redis and the live server
used by browser tests are local.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # Unix socket path
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            raise AssertionError(f"test tried to open a network connection to {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))
    try:
        import nltk
    except ImportError:  # pragma: no cover
        return

    def _no_download(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("nltk.download called: Senim must work offline")

    monkeypatch.setattr(nltk, "download", _no_download)
