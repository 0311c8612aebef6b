"""Ballot stuffing (battery case 46): hundreds of submissions from one client, then with a spoofed
``X-Forwarded-For`` on every request, then with a different User-Agent (and, on the form,
Accept-Language and no cookies) on every request, through the API and the HTML form.
Rate-limited at the documented thresholds (429 with Retry-After), spoofed headers ignored, the
accepted extras flagged and excluded — beyond the per-address allowance whatever the headers —
and the published score within the bound of docs/security.md."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from surveyapp.api.surveys import DEFAULT_SUBMIT_LIMIT
from surveyapp.services.antiabuse import DEFAULT_PER_ADDRESS_DAILY
from tests.security.stuffing import (
    HONEST,
    api_phase,
    bound,
    form_phase,
    published,
    seed,
    stored_flags,
)

#: The shipped limits (surveyapp/api/surveys.py, surveyapp/public/survey.py): the first window is a minute.
API_PER_MINUTE = 60
FORM_PER_MINUTE = 10
API_ATTEMPTS = 150
FORM_ATTEMPTS = 60


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True}  # the limiter is on, with its default limits


def test_scripted_stuffing_is_limited_flagged_and_bounded(app: Flask, db: Any, regions: dict[str, Any]) -> None:
    assert DEFAULT_SUBMIT_LIMIT.startswith(f"{API_PER_MINUTE} per minute")
    scene = seed(app)
    before = published(scene)
    assert before["regional"] == (pytest.approx(50.0), len(HONEST))

    phases = [
        api_phase(app, scene, "api, one client", "127.0.0.10", API_ATTEMPTS),
        api_phase(app, scene, "api, spoofed XFF", "127.0.0.11", API_ATTEMPTS, rotate_xff=True),
        form_phase(app, scene, "form, one client", "127.0.0.12", FORM_ATTEMPTS),
        form_phase(app, scene, "form, spoofed XFF", "127.0.0.13", FORM_ATTEMPTS, rotate_xff=True),
        api_phase(app, scene, "api, rotating UA", "127.0.0.14", API_ATTEMPTS, rotate_ua=True),
        form_phase(app, scene, "form, rotating UA", "127.0.0.15", FORM_ATTEMPTS, rotate_ua=True),
    ]
    for phase in phases:
        per_minute = API_PER_MINUTE if phase.name.startswith("api") else FORM_PER_MINUTE
        # the spoofed header gives no fresh quota: both phases stop at the same count
        assert phase.accepted == per_minute, (phase.name, phase.statuses)
        assert phase.limited == phase.sent - per_minute, (phase.name, phase.statuses)
        assert phase.retry_after_missing == 0
    assert sum(p.sent for p in phases) == 3 * API_ATTEMPTS + 3 * FORM_ATTEMPTS

    flags = stored_flags(scene)
    assert sum(flags.values()) == 3 * API_PER_MINUTE + 3 * FORM_PER_MINUTE
    # API: the first submission of each client passes the device check, every later one is a
    # duplicate device (the spoofed header does not make a new device). Form: all are speeders (a
    # script does not wait 20 s), later ones also repeat browsers and duplicate devices.
    # Rotating the User-Agent makes a new "device" each time, but the address is the same: after
    # the per-address allowance every submission is a duplicate device all the same.
    allowance = DEFAULT_PER_ADDRESS_DAILY
    unflagged = flags["-"]
    assert unflagged == 2 + allowance  # was 2 + API_PER_MINUTE before the per-address allowance
    assert flags["duplicate_device"] == 2 * (API_PER_MINUTE - 1) + (API_PER_MINUTE - allowance)
    assert flags["speeder"] == 2 + allowance
    assert flags["duplicate_device,repeat_browser,speeder"] == 2 * (FORM_PER_MINUTE - 1)
    assert flags["duplicate_device,speeder"] == FORM_PER_MINUTE - allowance

    after = published(scene)
    for label in ("regional", "national"):
        estimate, n = after[label]
        assert n == len(HONEST) + unflagged, label  # flagged responses are not in the base
        assert abs(estimate - before[label][0]) <= bound(len(HONEST), unflagged) + 1e-9, label
        assert estimate > before[label][0]  # the two unflagged 5s did count, within the bound


def test_the_address_allowance_is_shared_by_the_form_and_the_api(app: Flask, db: Any, regions: dict[str, Any]) -> None:
    """No speeder flag to hide behind (minimum time 0): a new User-Agent, Accept-Language and cookie
    jar on every form walk and API call from one address; the allowance (set to 2 here) counts
    both paths together, per survey."""
    app.config.update(SENIM_SURVEY_MIN_SECONDS=0, SENIM_SURVEY_PER_ADDRESS_DAILY=2)
    scene = seed(app)
    first = form_phase(app, scene, "form", "127.0.0.20", 1, rotate_ua=True)
    second = api_phase(app, scene, "api", "127.0.0.20", 3, rotate_ua=True)
    third = form_phase(app, scene, "form again", "127.0.0.20", 1, rotate_ua=True)
    assert [first.accepted, second.accepted, third.accepted] == [1, 3, 1]
    # 1 form + 1 API unflagged, then 2 API + 1 form flagged; another address starts afresh
    assert stored_flags(scene) == {"-": 2, "duplicate_device": 3}
    api_phase(app, scene, "api", "127.0.0.21", 1, rotate_ua=True)
    assert stored_flags(scene)["-"] == 3
