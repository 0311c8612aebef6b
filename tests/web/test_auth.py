"""Staff sign-in and sign-out."""
from __future__ import annotations

import pytest

from models import AuditLog
from tests.conftest import login
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_from


@pytest.mark.parametrize("role", ["admin", "monitor", "analyst"])
def test_each_role_can_sign_in_and_out(client, db, regions, role):
    user = make_user(role)
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert user.email in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302
    assert user.email not in client.get("/").get_data(as_text=True)


def test_admin_lands_on_the_registry(client, db, regions):
    user = make_user("admin")
    response = login(client, user.email, PASSWORD)
    assert response.headers["Location"].endswith("/admin/ngos")


@pytest.mark.parametrize("email,password", [
    ("admin-x@example.kz", "wrong password here"),
    ("nobody@example.kz", PASSWORD),
    ("", ""),
])
def test_wrong_credentials_fail_with_one_message(client, db, regions, email, password):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    make_user("admin", email="admin-x@example.kz")
    response = login(client, email, password)
    body = response.get_data(as_text=True)
    assert response.status_code in (401, 422)
    if email and password:
        assert "Wrong e-mail or password." in body
    assert "Sign out" not in body


def test_unknown_user_and_wrong_password_look_the_same(client, db, regions):
    make_user("admin", email="known@example.kz")
    a = login(client, "known@example.kz", "not the password!")
    b = login(client, "unknown@example.kz", "not the password!")
    assert a.status_code == b.status_code == 401
    strip = lambda html: html.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(a.get_data(as_text=True)) == strip(b.get_data(as_text=True))


def test_disabled_user_cannot_sign_in(client, db, regions):
    user = make_user("monitor", active=False)
    assert login(client, user.email, PASSWORD).status_code == 401


def test_login_without_csrf_token_is_rejected(client, db, regions):
    user = make_user("admin")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert user.email not in client.get("/").get_data(as_text=True)


def test_logout_is_post_only(client, db, regions):
    user = make_user("admin")
    login(client, user.email, PASSWORD)
    assert client.get("/logout").status_code == 405


def test_copied_cookie_stops_working_after_logout(app, db, regions):
    user = make_user("admin")
    first = app.test_client()
    login(first, user.email, PASSWORD)
    cookie = first.get_cookie("session")
    assert cookie is not None
    page = first.get("/admin/ngos")
    assert page.status_code == 200
    first.post("/logout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/admin/ngos").status_code == 302  # back to login


def test_disabling_a_user_ends_their_session(app, db, regions):
    from surveyapp.services.users import set_active

    user = make_user("admin")
    client = app.test_client()
    login(client, user.email, PASSWORD)
    assert client.get("/admin/ngos").status_code == 200
    set_active(user, False)
    db.session.commit()
    assert client.get("/admin/ngos").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(client, db, regions, target):
    user = make_user("analyst")
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(f"/login?next={target}", data={"email": user.email, "password": PASSWORD,
                                                          "csrf_token": token})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_login_is_audited(app, db, regions):
    user = make_user("admin")
    login(app.test_client(), user.email, PASSWORD)
    login(app.test_client(), "nobody@example.kz", "x" * 20)
    actions = [a.action for a in db.session.query(AuditLog).order_by(AuditLog.id)]
    assert "user.login" in actions and "user.login_failed" in actions


def test_no_account_exists_on_a_fresh_install(db, regions):
    from models import User

    assert db.session.query(User).count() == 0


def test_idle_timeout_ends_the_session(client, db, regions, monkeypatch):
    import time as real_time

    user = make_user("admin")
    login(client, user.email, PASSWORD)
    assert client.get("/admin/ngos").status_code == 200
    start = real_time.time()
    monkeypatch.setattr("surveyapp.auth.sessions.time.time", lambda: start + 61 * 60)
    assert client.get("/admin/ngos").status_code == 302


def test_absolute_timeout_ends_an_active_session(client, db, regions, monkeypatch):
    import time as real_time

    user = make_user("admin")
    start = float(int(real_time.time()))
    # The clock is frozen at sign-in so a second boundary between sign-in and the loop cannot shift the cap.
    monkeypatch.setattr("surveyapp.auth.sessions.time.time", lambda: start)
    login(client, user.email, PASSWORD)
    # Active every 30 minutes, so never idle, but past the 12-hour cap.
    for step in range(1, 25):
        monkeypatch.setattr("surveyapp.auth.sessions.time.time", lambda s=step: start + s * 30 * 60)
        status = client.get("/admin/ngos").status_code
        if step * 30 <= 12 * 60:
            assert status == 200, step
        else:
            assert status == 302, step
            break


def test_session_cookie_changes_at_login(client, db, regions):
    user = make_user("monitor")
    client.get("/login")
    before = client.get_cookie("session")
    login(client, user.email, PASSWORD)
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)
