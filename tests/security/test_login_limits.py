"""Login brute force: limited per account and per client; a spoofed X-Forwarded-For changes nothing."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_from


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def _attempt(client, email: str, password: str, forwarded: str | None = None):
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       headers=headers)


def test_sixth_wrong_password_on_one_account_is_refused(client, db, regions):
    user = make_user("admin")
    statuses = [_attempt(client, user.email, f"wrong password {i}").status_code for i in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert _attempt(client, user.email, PASSWORD).status_code == 429  # even the right one, for now


def test_rotating_spoofed_forwarded_for_does_not_escape_the_limit(client, db, regions):
    user = make_user("admin")
    statuses = [_attempt(client, user.email, "wrong password!", forwarded=f"10.0.0.{i}").status_code
                for i in range(7)]
    assert 429 in statuses


def test_unknown_accounts_are_limited_per_client_too(client, db, regions):
    statuses = [_attempt(client, f"nobody{i}@example.kz", "wrong password!").status_code for i in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
