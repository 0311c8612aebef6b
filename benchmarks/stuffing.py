"""Scripted ballot stuffing against an open-link survey; prints what got through and what it moved.

    .venv/bin/python benchmarks/stuffing.py [--database URL] [--api N] [--form N] [--no-rotate-ua]

In-process (Flask test client, nothing listens on a port), on a fresh SQLite file in a temporary
directory unless --database names an empty PostgreSQL database (its tables are created and
dropped). The limiter is on with the shipped limits. Phases, each from its own client address:

1. API, one client: N submissions rating the NGO 5.
2. API, a different spoofed X-Forwarded-For on every request.
3. Form, one client: walk the HTML form until refused, then bare POSTs of the final page (N in all).
4. Form, spoofed X-Forwarded-For on every request.
5. (unless --no-rotate-ua) API with a different User-Agent on every request: a new "device" each
   time, caught by the per-address allowance (``SENIM_SURVEY_PER_ADDRESS_DAILY``, 3): only the
   first 3 are unflagged (docs/security.md, section 4).
6. (unless --no-rotate-ua) Form with a new User-Agent, Accept-Language and cookie jar on every walk.

Prints per phase: sent, accepted, 429 (all with Retry-After?), other statuses; the stored attack
responses by flag set; the published trust index of the NGO (regional and national) before and
after ``compute_scores`` with its n, and the bound 100·k/(n+k) for the k unflagged responses.
Bounded: at most a few thousand in-process requests; no time limits are asserted.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="an empty PostgreSQL database URL (default: temporary SQLite)")
    parser.add_argument("--api", type=int, default=300, help="API submissions per phase (default 300)")
    parser.add_argument("--form", type=int, default=120, help="form submissions per phase (default 120)")
    parser.add_argument("--no-rotate-ua", action="store_true", help="skip the rotating User-Agent phase")
    args = parser.parse_args()

    from models import db
    from surveyapp.services.regions import load_regions
    from tests.conftest import make_test_app
    from tests.security import stuffing

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'stuffing.db'}"
        app = make_test_app(url, Path(tmp), RATELIMIT_ENABLED=True)
        with app.app_context():
            db.create_all()
            try:
                load_regions()
                db.session.commit()
                run(app, stuffing, args)
            finally:
                db.session.remove()
                if args.database:
                    db.drop_all()
                db.engine.dispose()
    return 0


def run(app, stuffing, args) -> None:  # type: ignore[no-untyped-def]
    from surveyapp.services.antiabuse import DEFAULT_PER_ADDRESS_DAILY

    scene = stuffing.seed(app)
    allowance = app.config.get("SENIM_SURVEY_PER_ADDRESS_DAILY", DEFAULT_PER_ADDRESS_DAILY)
    print(f"per-address allowance: {allowance} anonymous submissions per address per survey per day")
    before = stuffing.published(scene)
    print(f"honest respondents: {len(stuffing.HONEST)} in {stuffing.REGION}; "
          f"trust index before: regional {before['regional'][0]:.2f} (n={before['regional'][1]}), "
          f"national {before['national'][0]:.2f} (n={before['national'][1]})")
    started = time.process_time()
    phases = [
        stuffing.api_phase(app, scene, "api, one client", "127.0.0.10", args.api),
        stuffing.api_phase(app, scene, "api, spoofed XFF", "127.0.0.11", args.api, rotate_xff=True),
        stuffing.form_phase(app, scene, "form, one client", "127.0.0.12", args.form),
        stuffing.form_phase(app, scene, "form, spoofed XFF", "127.0.0.13", args.form, rotate_xff=True),
    ]
    if not args.no_rotate_ua:
        phases.append(stuffing.api_phase(app, scene, "api, rotating UA", "127.0.0.14", args.api, rotate_ua=True))
        phases.append(stuffing.form_phase(app, scene, "form, rotating UA", "127.0.0.15", args.form, rotate_ua=True))
    cpu = time.process_time() - started
    print(f"{'phase':<20} {'sent':>5} {'accepted':>8} {'429':>5} {'no Retry-After':>15}  other")
    for p in phases:
        other = {code: n for code, n in sorted(p.statuses.items()) if code not in (201, 302, 429)}
        print(f"{p.name:<20} {p.sent:>5} {p.accepted:>8} {p.limited:>5} {p.retry_after_missing:>15}  {other or '-'}")
    flags = stuffing.stored_flags(scene)
    print("stored attack responses by flags: " + ", ".join(f"{k}: {v}" for k, v in sorted(flags.items())))
    unflagged = flags["-"]
    after = stuffing.published(scene)
    for label in ("regional", "national"):
        (b, _), (a, n) = before[label], after[label]
        print(f"trust index {label}: {b:.2f} -> {a:.2f} (moved {a - b:+.2f}; n={n}); "
              f"bound 100*k/(n+k) with k={unflagged} unflagged: "
              f"{stuffing.bound(len(stuffing.HONEST), unflagged):.2f}")
    print(f"client CPU for the attack phases: {cpu:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
