"""Ballot stuffing (battery case 46): hundreds of submissions from one client, then with a spoofed
``X-Forwarded-For`` on every request, through the API and the HTML form. Rate-limited at the
documented thresholds (429 with Retry-After), spoofed headers ignored, the accepted extras
flagged and excluded, the published score within the bound of docs/security.md."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from surveyapp.api.surveys import DEFAULT_SUBMIT_LIMIT
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
    ]
    for phase in phases:
        per_minute = API_PER_MINUTE if phase.name.startswith("api") else FORM_PER_MINUTE
        # the spoofed header gives no fresh quota: both phases stop at the same count
        assert phase.accepted == per_minute, (phase.name, phase.statuses)
        assert phase.limited == phase.sent - per_minute, (phase.name, phase.statuses)
        assert phase.retry_after_missing == 0
    assert sum(p.sent for p in phases) == 2 * API_ATTEMPTS + 2 * FORM_ATTEMPTS

    flags = stored_flags(scene)
    assert sum(flags.values()) == 2 * API_PER_MINUTE + 2 * FORM_PER_MINUTE
    # API: the first submission of each client passes the device check, every later one is a
    # duplicate device (the spoofed header does not make a new device). Form: all are speeders (a
    # script does not wait 20 s), later ones also repeat browsers and duplicate devices.
    unflagged = flags["-"]
    assert unflagged == 2
    assert flags["duplicate_device"] == 2 * (API_PER_MINUTE - 1)
    assert flags["speeder"] == 2 and flags["duplicate_device,repeat_browser,speeder"] == 2 * (FORM_PER_MINUTE - 1)

    after = published(scene)
    for label in ("regional", "national"):
        estimate, n = after[label]
        assert n == len(HONEST) + unflagged, label  # flagged responses are not in the base
        assert abs(estimate - before[label][0]) <= bound(len(HONEST), unflagged) + 1e-9, label
        assert estimate > before[label][0]  # the two unflagged 5s did count, within the bound
