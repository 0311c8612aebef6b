"""Synthetic survey data for ``benchmarks/scores.py``: generated once with numpy, then bulk-loaded
into a scratch database (SQLite: executemany on the session's raw cursor; PostgreSQL: COPY … CSV).

The sample: respondents spread over the 20 regions (small regions over-sampled, as quota designs
do) and over the periods; within a region, demographic cells drawn from the regional population
margins but skewed (more women, more young, more urban people answer online) so that raking has
real work to do; ~1% leave sex or age unanswered. Each respondent is asked about ``ngos_each``
distinct NGOs drawn from all of them (so every NGO × region × period cell gets answers): awareness
yes/no (~3% "don't know"); the aware ones rate trust and usefulness 1–5 (~8% "don't know").
Durations are log-normal (a few speeders), ~0.5% carry a stored quality flag. Every NGO has a
disclosure checklist per year and one project with citizens' votes (one vote per 10 responses).
No Python loop per response while generating; the loaders build tuples or CSV per batch.
"""
from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SEXES = ("female", "male")
AGES = ("18-29", "30-44", "45-59", "60+")
SETTLEMENTS = ("urban", "rural")
#: Response propensity of each category (the online sample's skew that raking corrects).
SEX_BIAS = {"female": 1.35, "male": 1.0}
AGE_BIAS = {"18-29": 1.6, "30-44": 1.25, "45-59": 0.85, "60+": 0.5}
SETTLEMENT_BIAS = {"urban": 1.4, "rural": 1.0}
BATCH = 500_000


@dataclass
class Synthetic:
    """Everything to load, as numpy arrays indexed by position (ids assigned at load time)."""

    periods: list[str]
    n_ngos: int
    # responses (sorted by id, so answers arrive in key order)
    response_id: np.ndarray  # object: 32-char hex
    r_period: np.ndarray  # int index into periods
    r_region: np.ndarray  # int index into region codes
    r_sex: np.ndarray  # object (None = unanswered)
    r_age: np.ndarray
    r_settlement: np.ndarray
    r_duration: np.ndarray  # int seconds
    r_flagged: np.ndarray  # bool: carries a stored "duplicate_device" flag
    r_day: np.ndarray  # datetime64[D]
    # answers (one row per response × NGO × question)
    a_response: np.ndarray  # int position in responses
    a_question: np.ndarray  # 0 aware, 1 trust, 2 useful
    a_ngo: np.ndarray  # int NGO index
    a_value: np.ndarray  # float, NaN = don't know
    # NGOs and the rest
    ngo_region: np.ndarray  # int region index, -1 = national
    ngo_sector: list[str]
    checklists: np.ndarray  # bool [n_ngos, years, 5]
    years: list[str]
    v_ngo: np.ndarray
    v_region: np.ndarray
    v_day: np.ndarray
    v_rating: np.ndarray  # float, NaN = none
    v_support: np.ndarray  # float 1/0, NaN = none
    region_codes: list[str]

    @property
    def n_responses(self) -> int:
        return int(self.response_id.size)

    @property
    def n_answers(self) -> int:
        return int(self.a_response.size)


def period_labels(count: int, last: str = "2026-Q1") -> list[str]:
    year, quarter = int(last[:4]), int(last[-1])
    labels = []
    for _ in range(count):
        labels.append(f"{year}-Q{quarter}")
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return labels[::-1]


def _quarter_start(label: str) -> np.datetime64:
    year, quarter = int(label[:4]), int(label[-1])
    return np.datetime64(dt.date(year, 3 * (quarter - 1) + 1, 1), "D")


def _hex_ids(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` random 128-bit ids as 32-digit hex (how SQLite stores a Uuid; PostgreSQL parses it)."""
    text = rng.bytes(16 * n).hex()
    return [text[i:i + 32] for i in range(0, 32 * n, 32)]


def _distinct_draws(rng: np.random.Generator, rows: int, each: int, high: int) -> np.ndarray:
    """``rows`` × ``each`` integers in [0, high), distinct within a row (redraw collisions)."""
    out = rng.integers(0, high, (rows, each))
    while True:
        ordered = np.sort(out, axis=1)
        dup_rows = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        if not dup_rows.size:
            return out
        out[dup_rows] = rng.integers(0, high, (dup_rows.size, each))


def generate(n: int, *, n_ngos: int = 500, n_periods: int = 4, ngos_each: int = 6,
             seed: int = 20260101) -> Synthetic:
    from surveyapp.services.region_facts import REGIONS
    from surveyapp.services.regions import model_margins

    rng = np.random.default_rng(seed)
    periods = period_labels(n_periods)
    codes = [fact.code for fact in REGIONS]
    n_regions = len(codes)
    # --- respondents
    size = np.array([fact.population for fact in REGIONS], dtype=float) ** 0.5
    region = rng.choice(n_regions, n, p=size / size.sum())
    period = rng.integers(0, n_periods, n)
    cell_keys = [(s, a, t) for t in SETTLEMENTS for a in AGES for s in SEXES]
    cell_p = np.zeros((n_regions, len(cell_keys)))
    for i, fact in enumerate(REGIONS):
        cells = model_margins(fact)
        cell_p[i] = [cells[k] * SEX_BIAS[k[0]] * AGE_BIAS[k[1]] * SETTLEMENT_BIAS[k[2]] for k in cell_keys]
    cell_p /= cell_p.sum(axis=1, keepdims=True)
    cum = cell_p.cumsum(axis=1)
    cell = (rng.random(n)[:, None] > cum[region]).sum(axis=1).clip(0, len(cell_keys) - 1)
    sex = np.array([k[0] for k in cell_keys], dtype=object)[cell]
    age = np.array([k[1] for k in cell_keys], dtype=object)[cell]
    settlement = np.array([k[2] for k in cell_keys], dtype=object)[cell]
    sex[rng.random(n) < 0.006] = None
    age[rng.random(n) < 0.006] = None
    duration = np.round(rng.lognormal(np.log(420.0), 0.45, n)).astype(np.int64)
    flagged = rng.random(n) < 0.005
    starts = np.array([_quarter_start(p) for p in periods])
    day = starts[period] + rng.integers(0, 90, n).astype("timedelta64[D]")
    hex_ids = np.array(_hex_ids(rng, n), dtype="U32")
    order = np.argsort(hex_ids)  # sorted ids: answers are inserted in index order
    hex_ids = hex_ids[order].astype(object)
    region, period, sex, age, settlement = region[order], period[order], sex[order], age[order], settlement[order]
    duration, flagged, day = duration[order], flagged[order], day[order]
    # --- NGOs
    from models.ngo import SECTORS

    ngo_region = np.where(rng.random(n_ngos) < 0.3, -1, rng.integers(0, n_regions, n_ngos))
    ngo_sector = [SECTORS[i % len(SECTORS)] for i in range(n_ngos)]
    appeal = rng.uniform(0.15, 0.85, n_ngos)  # awareness propensity
    quality = rng.normal(0.0, 0.6, n_ngos)  # trust shift
    region_shift = rng.normal(0.0, 0.25, (n_ngos, n_regions))
    # --- answers: awareness for each asked NGO, trust and usefulness when aware
    asked = _distinct_draws(rng, n, ngos_each, n_ngos).ravel()
    rid = np.repeat(np.arange(n), ngos_each)
    home = ngo_region[asked] == region[rid]
    p_aware = np.clip(appeal[asked] + 0.2 * home - 0.08 * (age[rid] == "18-29"), 0.02, 0.98)
    aware = (rng.random(rid.size) < p_aware).astype(float)
    aware[rng.random(rid.size) < 0.03] = np.nan
    yes = np.flatnonzero(aware == 1)
    shift = quality[asked[yes]] + region_shift[asked[yes], region[rid[yes]]]
    person = rng.normal(0.0, 0.5, n)[rid[yes]]  # a respondent's general trustfulness
    trust = np.clip(np.round(3.2 + shift + person + rng.normal(0.0, 0.9, yes.size)), 1, 5)
    useful = np.clip(np.round(3.4 + 0.7 * shift + 0.5 * person + rng.normal(0.0, 0.9, yes.size)), 1, 5)
    trust[rng.random(yes.size) < 0.08] = np.nan
    useful[rng.random(yes.size) < 0.08] = np.nan
    # interleave per respondent: aware rows, then trust and useful of the aware ones; stable sort by rid
    a_response = np.concatenate([rid, rid[yes], rid[yes]])
    a_question = np.concatenate([np.zeros(rid.size, np.int8), np.ones(yes.size, np.int8),
                                 np.full(yes.size, 2, np.int8)])
    a_ngo = np.concatenate([asked, asked[yes], asked[yes]])
    a_value = np.concatenate([aware, trust, useful])
    by_response = np.argsort(a_response, kind="stable")
    a_response, a_question, a_ngo, a_value = (a_response[by_response], a_question[by_response],
                                              a_ngo[by_response], a_value[by_response])
    # --- checklists (per NGO and year) and project votes
    years = sorted({p[:4] for p in periods})
    checklists = rng.random((n_ngos, len(years), 5)) < appeal[:, None, None]
    n_votes = max(n // 10, 1)
    v_ngo = rng.integers(0, n_ngos, n_votes)
    v_region = rng.integers(0, n_regions, n_votes)
    v_period = rng.integers(0, n_periods, n_votes)
    v_day = starts[v_period] + rng.integers(0, 90, n_votes).astype("timedelta64[D]")
    v_rating = np.clip(np.round(3.3 + quality[v_ngo] + rng.normal(0, 1.0, n_votes)), 1, 5)
    v_support = (rng.random(n_votes) < 0.6).astype(float)
    v_rating[rng.random(n_votes) < 0.2] = np.nan
    v_support[(rng.random(n_votes) < 0.3) & ~np.isnan(v_rating)] = np.nan
    return Synthetic(periods, n_ngos, hex_ids, period, region, sex, age, settlement, duration, flagged, day,
                     a_response, a_question, a_ngo, a_value, ngo_region, ngo_sector, checklists, years,
                     v_ngo, v_region, v_day, v_rating, v_support, codes)


# ----------------------------------------------------------------------------------------- loading

def _nullable(values: np.ndarray) -> list[Any]:
    """Float array → list with None for NaN."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _write_rows(table: str, columns: list[str], frame_batches: Any) -> None:
    """Append rows to ``table``: each item of ``frame_batches`` is a DataFrame with ``columns``
    (None/NaN = NULL). PostgreSQL streams COPY … CSV; SQLite runs executemany on the raw cursor."""
    from models import db

    connection = db.session.connection()
    quoted = ", ".join(f'"{c}"' for c in columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN WITH (FORMAT csv)') as copy:
            for frame in frame_batches:
                buf = io.StringIO()
                frame.to_csv(buf, header=False, index=False, na_rep="")
                copy.write(buf.getvalue())
    else:
        cursor = connection.connection.cursor()
        sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
        try:
            for frame in frame_batches:
                cols = []
                for c in columns:
                    col = frame[c]
                    if col.dtype.kind == "f":
                        cols.append(_nullable(col.to_numpy()))
                    else:
                        cols.append(col.astype(object).where(col.notna(), None).tolist())
                cursor.executemany(sql, zip(*cols))
        finally:
            cursor.close()


def load(data: Synthetic, *, progress: Any = print) -> dict[str, int]:
    """Insert the synthetic data into the app's (empty, created) schema; commits in steps."""
    from sqlalchemy import insert, select

    from models import NGO, Project, Question, Region, Survey, SurveyNGO, TransparencyChecklist, db
    from surveyapp.services.regions import load_regions

    load_regions()
    db.session.commit()
    region_id = {code: rid for rid, code in db.session.execute(select(Region.id, Region.code))}
    region_ids = np.array([region_id[c] for c in data.region_codes])
    # NGOs
    db.session.execute(insert(NGO), [
        {"name_en": f"Benchmark Foundation {i}", "name_ru": f"Фонд {i}", "name_kk": f"Қор {i}",
         "sector": data.ngo_sector[i], "region_id": None if data.ngo_region[i] < 0 else int(region_ids[data.ngo_region[i]])}
        for i in range(data.n_ngos)])
    ngo_ids = np.array(db.session.scalars(select(NGO.id).order_by(NGO.id)).all())
    # surveys and questions, one survey per period
    question_ids = np.zeros((len(data.periods), 3), dtype=np.int64)
    survey_ids = []
    for p, label in enumerate(data.periods):
        start = _quarter_start(label).item()
        survey = Survey(title_en=f"Benchmark wave {label}", period=label, status="closed", mode="open",
                        opens_on=start, closes_on=start + dt.timedelta(days=89))
        aware = Question(code="aware", position=1, type="yesno", construct="awareness", per_ngo=True,
                         text_en="Have you heard of this organisation?")
        trust = Question(code="trust", position=2, type="scale5", construct="trust", per_ngo=True,
                         text_en="How much do you trust it?", depends_on=aware, depends_value="yes")
        useful = Question(code="useful", position=3, type="scale5", construct="usefulness", per_ngo=True,
                          text_en="How useful is its work?", depends_on=aware, depends_value="yes")
        survey.questions.extend([aware, trust, useful])
        db.session.add(survey)
        db.session.flush()
        survey_ids.append(survey.id)
        question_ids[p] = [aware.id, trust.id, useful.id]
    db.session.execute(insert(SurveyNGO), [{"survey_id": s, "ngo_id": int(g)} for s in survey_ids for g in ngo_ids])
    # checklists and one project per NGO
    db.session.execute(insert(TransparencyChecklist), [
        {"ngo_id": int(ngo_ids[i]), "period": year, "annual_report": bool(c[0]), "audited_statements": bool(c[1]),
         "funding_sources": bool(c[2]), "governing_body": bool(c[3]), "state_contracts_published": bool(c[4])}
        for i in range(data.n_ngos) for y, year in enumerate(data.years) for c in [data.checklists[i, y]]])
    db.session.execute(insert(Project), [
        {"ngo_id": int(g), "title_en": f"Project of NGO {g}", "period": data.years[-1], "status": "active",
         "funding_source": "other", "voting_open": True} for g in ngo_ids])
    project_of = dict(db.session.execute(select(Project.ngo_id, Project.id)).all())
    db.session.commit()
    survey_arr = np.array(survey_ids)
    # responses
    n = data.n_responses
    progress(f"  loading {n:,} responses")

    def response_batches():  # type: ignore[no-untyped-def]
        for s in range(0, n, BATCH):
            e = min(s + BATCH, n)
            k = e - s
            ids = data.response_id[s:e]
            yield pd.DataFrame({
                "id": ids, "survey_id": survey_arr[data.r_period[s:e]],
                "submission_id": [uuid.UUID(int=int(x)).hex for x in range(s + 1, e + 1)],
                "payload_hash": pd.Series(ids).str.repeat(2).to_numpy(),
                "region_id": region_ids[data.r_region[s:e]],
                "settlement": data.r_settlement[s:e], "sex": data.r_sex[s:e], "age_group": data.r_age[s:e],
                "language": np.where(np.arange(k) % 3 == 0, "kk", "ru"), "channel": "web",
                "submitted_on": data.r_day[s:e].astype(str), "duration_s": data.r_duration[s:e],
                "flags": np.where(data.r_flagged[s:e], '["duplicate_device"]', "[]"), "synthetic": True,
            })

    columns = ["id", "survey_id", "submission_id", "payload_hash", "region_id", "settlement", "sex", "age_group",
               "language", "channel", "submitted_on", "duration_s", "flags", "synthetic"]
    _write_rows("responses", columns, response_batches())
    db.session.commit()
    # answers, in response-id order, committed every few batches
    total = data.n_answers
    progress(f"  loading {total:,} answers")
    a_columns = ["response_id", "question_id", "ngo_id", "ngo_key", "value_num"]
    step = BATCH * 4
    for s0 in range(0, total, step):
        def answer_batches(s0: int = s0):  # type: ignore[no-untyped-def]
            for s in range(s0, min(s0 + step, total), BATCH):
                e = min(s + BATCH, total)
                resp = data.a_response[s:e]
                ngo = ngo_ids[data.a_ngo[s:e]]
                yield pd.DataFrame({
                    "response_id": data.response_id[resp],
                    "question_id": question_ids[data.r_period[resp], data.a_question[s:e]],
                    "ngo_id": ngo, "ngo_key": ngo, "value_num": data.a_value[s:e],
                })

        _write_rows("answers", a_columns, answer_batches())
        db.session.commit()
    # votes
    nv = data.v_ngo.size
    votes = pd.DataFrame({
        "id": _hex_ids(np.random.default_rng(1), nv),
        "project_id": [project_of[int(g)] for g in ngo_ids[data.v_ngo]],
        "ballot_id": [uuid.UUID(int=i + 1).hex for i in range(nv)],
        "region_id": region_ids[data.v_region], "rating": pd.array(
            np.where(np.isnan(data.v_rating), 0, data.v_rating).astype(int), dtype="Int64"),
        "support": data.v_support, "language": "ru", "voted_on": data.v_day.astype(str), "flags": "[]",
        "synthetic": True,
    })
    votes.loc[np.isnan(data.v_rating), "rating"] = pd.NA
    votes["support"] = pd.array(np.where(np.isnan(data.v_support), 0, data.v_support).astype(bool), dtype="boolean")
    votes.loc[np.isnan(data.v_support), "support"] = pd.NA
    progress(f"  loading {nv:,} project votes")
    _write_rows("project_votes", list(votes.columns), [votes])
    db.session.commit()
    return {"responses": n, "answers": total, "votes": nv, "ngos": data.n_ngos, "regions": len(region_ids)}
