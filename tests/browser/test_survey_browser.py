"""Answering a survey in headless Chromium on a phone-sized screen, network closed."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def survey_ids(live_app):
    from models import db
    from tests.factories import make_ngo
    from tests.survey_factories import make_survey, question_ids, region_id

    with live_app.app_context():
        local = make_ngo(region_id=region_id("KZ-55"), name_ru="Павлодарский фонд", name_kk="Павлодар қоры")
        national = make_ngo(name_ru="Национальный фонд", name_kk="Ұлттық қор")
        survey = make_survey(ngos=[local, national])
        db.session.commit()
        return {"survey": survey.id, **question_ids(survey)}


def _answer_survey(page, base: str, ids: dict, language: str, title: str, ngo_name: str) -> None:
    p = page.page
    p.goto(f"{base}/s/{ids['survey']}")
    p.locator(f'button[name="language"][value="{language}"]').click()
    assert p.locator("html").get_attribute("lang") == language
    assert title in p.locator(".survey-name").inner_text()
    # Page 1: forget the region → an error next to the field; then correct it.
    p.locator('input[name="sex"][value="female"]').check()
    p.locator("#next").click()
    assert p.locator("#error-summary").is_visible()
    assert p.locator("#region-error").is_visible()
    assert p.locator('input[name="sex"][value="female"]').is_checked()  # kept
    p.select_option("#region", "KZ-55")
    p.locator("#next").click()
    # Page 2: a required question left out, then answered with the keyboard.
    p.locator(f'textarea[name="q{ids["comment"]}"]').fill("Жақсы <b>ұйымдар</b>" if language == "kk" else "Хорошие фонды")
    p.locator("#next").click()
    assert p.locator(f"#q{ids['overall']}-error").is_visible()
    assert p.locator(f'textarea[name="q{ids["comment"]}"]').input_value().startswith(("Жақсы", "Хорошие"))
    p.locator(f'input[name="q{ids["overall"]}"][value="4"]').focus()
    p.keyboard.press("Space")
    assert p.locator(f'input[name="q{ids["overall"]}"][value="4"]').is_checked()
    p.locator("#next").click()
    # Page 3: awareness of each NGO; page 4: follow-ups for the NGOs they know.
    assert p.get_by_text(ngo_name).first.is_visible()
    for radio in p.locator(f'input[name^="q{ids["aware"]}_n"][value="yes"]').all():
        radio.check()
    p.locator("#next").click()
    progress = p.locator("#survey-progress")
    assert progress.get_attribute("value") == "4" and progress.get_attribute("max") == "5"
    for code in ("trust", "usefulness", "transparency", "project"):
        radios = p.locator(f'input[name^="q{ids[code]}_n"][value="4"]').all()
        assert len(radios) == 2
        for radio in radios:
            radio.check()
    page.screenshot(f"survey-{language}-phone-follow-ups")
    p.locator("#next").click()
    p.locator(f'input[name="q{ids["recommend"]}"][value="9"]').check()
    p.locator("#next").click()
    p.wait_for_url(re.compile(r".*/thanks$"))
    assert p.locator("h1").is_visible()


@pytest.mark.parametrize("language,title,ngo_name", [
    ("ru", "Опрос о доверии к НКО", "Павлодарский фонд"),
    ("kk", "НҰЖ-ға сенім сауалнамасы", "Павлодар қоры"),
])
def test_answer_survey_on_a_phone(playwright_browser, live_server, live_app, survey_ids, language, title, ngo_name):
    from models import Answer, Response, db

    context, page = open_page(playwright_browser, live_server, locale=f"{language}-KZ", viewport=PHONE)
    try:
        _answer_survey(page, live_server.url, survey_ids, language, title, ngo_name)
        page.screenshot(f"survey-{language}-phone-thanks")
        assert page.blocked == [], page.blocked
        assert page.console_errors == [], page.console_errors
    finally:
        context.close()
    with live_app.app_context():
        rows = list(db.session.scalars(select(Response)))
        assert len(rows) == 1
        assert rows[0].language == language and rows[0].sex == "female"
        answers = list(db.session.scalars(select(Answer).where(Answer.response_id == rows[0].id)))
        assert len(answers) == 1 + 1 + 2 * 5 + 1  # overall, comment, 2 NGOs × 5, recommend
