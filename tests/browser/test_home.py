"""The home page in a real browser, with the network closed."""
from __future__ import annotations

import pytest

from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser


def test_home_page_in_kazakh_from_accept_language(playwright_browser, live_server):
    context, page = open_page(playwright_browser, live_server, locale="kk-KZ",
                              viewport={"width": 390, "height": 844})
    try:
        page.page.goto(live_server.url + "/")
        assert page.page.locator("html").get_attribute("lang") == "kk"
        heading = page.page.locator("h1").inner_text()
        assert "ҮЕҰ" in heading or "сене" in heading, heading
        assert page.page.get_by_role("heading", name="Азаматтар").is_visible()
        page.screenshot("home-kk-phone")
        assert page.blocked == []
        assert page.console_errors == []
    finally:
        context.close()


def test_language_switcher_changes_language_and_remembers_it(playwright_browser, live_server):
    context, page = open_page(playwright_browser, live_server, locale="kk-KZ")
    try:
        page.page.goto(live_server.url + "/")
        page.page.get_by_role("button", name="Русский").click()
        page.page.wait_for_load_state()
        assert page.page.locator("html").get_attribute("lang") == "ru"
        assert page.page.get_by_role("heading", name="Граждане").is_visible()
        page.page.goto(live_server.url + "/login")
        assert page.page.locator("h1").inner_text() == "Вход для сотрудников"
        page.page.get_by_role("button", name="English").click()
        assert page.page.locator("html").get_attribute("lang") == "en"
        assert page.page.locator("h1").inner_text() == "Staff sign-in"
        assert page.blocked == [] and page.console_errors == []
    finally:
        context.close()


def test_sign_in_through_the_form(playwright_browser, live_server, live_app):
    from models import db
    from tests.factories import PASSWORD, make_user

    with live_app.app_context():
        make_user("analyst", email="analyst-b@example.kz")
        db.session.commit()
    email = "analyst-b@example.kz"
    context, page = open_page(playwright_browser, live_server)
    try:
        page.page.goto(live_server.url + "/login")
        page.page.get_by_label("E-mail").fill(email)
        page.page.get_by_label("Password").fill("wrong password here")
        page.page.get_by_role("button", name="Sign in").click()
        assert page.page.get_by_role("alert").inner_text().strip() == "Wrong e-mail or password."
        assert page.page.get_by_label("E-mail").input_value() == email  # kept what was typed
        page.page.get_by_label("Password").fill(PASSWORD)
        page.page.get_by_role("button", name="Sign in").click()
        assert page.page.get_by_text("analyst-b@example.kz").is_visible()
        assert page.blocked == [] and page.console_errors == []
    finally:
        context.close()
