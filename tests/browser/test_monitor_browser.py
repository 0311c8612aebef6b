"""A monitor uploads a Russian article in a real browser, sees the mentions highlighted and corrects
one tone — with the network closed, strict CSP and no JavaScript needed."""
from __future__ import annotations

import pytest

from tests.browser.conftest import open_page
from tests.media_helpers import RU_TEXT, RU_TITLE

pytestmark = pytest.mark.browser


def test_monitor_uploads_reviews_and_corrects_tone(playwright_browser, live_server, live_app):
    from sqlalchemy import select

    from models import Mention, db
    from tests.factories import PASSWORD, make_user
    from tests.media_helpers import media_ngos

    with live_app.app_context():
        cnok, alliance = media_ngos()
        alliance_id = alliance.id
        make_user("monitor", email="monitor-browser@example.kz")
        db.session.commit()
    context, page = open_page(playwright_browser, live_server)
    p = page.page
    try:
        p.goto(live_server.url + "/login")
        p.get_by_label("E-mail").fill("monitor-browser@example.kz")
        p.get_by_label("Password").fill(PASSWORD)
        p.get_by_role("button", name="Sign in").click()
        p.wait_for_load_state()
        assert p.locator("h1").inner_text() == "Upload articles"
        p.get_by_label("Title").fill(RU_TITLE)
        p.get_by_label("Text").fill(RU_TEXT)
        p.get_by_label("Outlet").fill("Степной вестник")
        p.get_by_label("Web address (URL)").fill("https://stepnoy.example/news/1")
        p.get_by_label("Publication date").fill("2026-04-10")
        p.get_by_role("button", name="Save and find mentions").click()
        p.wait_for_load_state()
        assert p.locator("h1").inner_text() == RU_TITLE
        marks = p.locator(".article-body mark.mention.ngo")
        assert marks.count() >= 2
        assert p.locator(".article-body mark.mention.region").count() >= 1
        assert "Карагандинской" in p.locator(".article-body mark.mention.region").first.inner_text()
        assert p.locator(".article-body mark.tone-negative").count() >= 1
        page.screenshot("monitor-article")
        with live_app.app_context():
            mention_id = db.session.scalars(select(Mention.id).where(Mention.ngo_id == alliance_id)
                                            .order_by(Mention.id.desc())).first()
        item = p.locator(f"#mention-{mention_id}")
        item.locator("select").select_option("positive")
        item.get_by_role("button", name="Set tone").click()
        p.wait_for_load_state()
        assert "Tone set to positive" in p.get_by_role("status").first.inner_text()
        assert "set by a person" in p.locator(f"#mention-{mention_id}").inner_text()
        with live_app.app_context():
            assert db.session.get(Mention, mention_id).label == "positive"
        assert page.blocked == [] and page.console_errors == []
    finally:
        context.close()
