"""The vectorised paths of ``senim scores compute``: integer response codes, flag decoding,
all-NGO rows by bincount (checked against ``analysis.estimators.group_mean``) and the bulk writes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from analysis.estimators import group_mean
from models import ScoreSnapshot
from surveyapp.services.scores import compute_scores, extract
from surveyapp.services.scores.aggregate import RESPONDENT_METRICS, all_ngo_rows
from surveyapp.services.scores.prepare import EXCLUDING_FLAGS, stored_flags, survey_answers
from tests.factories import make_ngo
from tests.score_factories import add_respondents, make_battery


def _answers(seed: int = 7, respondents: int = 300) -> pd.DataFrame:
    """Per-NGO answers of random respondents (awareness 0/1, trust and usefulness 1–5, some NaN),
    rows shuffled so that a respondent's answers are not contiguous."""
    rng = np.random.default_rng(seed)
    rid = np.repeat(np.arange(respondents), 6)
    construct = np.tile(["awareness", "trust", "usefulness", "awareness", "trust", "transparency"], respondents)
    value = np.where(construct == "awareness", rng.integers(0, 2, rid.size), rng.integers(1, 6, rid.size)).astype(float)
    value[rng.random(rid.size) < 0.1] = np.nan
    people = pd.DataFrame({"region_id": rng.choice([3, 5, 11], respondents), "weight": rng.uniform(0.3, 3, respondents),
                           "period": rng.choice(["2026-Q1", "2026-Q2"], respondents),
                           "settlement": rng.choice(["urban", "rural"], respondents)})
    frame = pd.DataFrame({"rid": rid, "construct": pd.Categorical(construct), "value": value})
    frame = pd.concat([frame, people.iloc[rid].reset_index(drop=True)], axis=1)
    frame["period"] = pd.Categorical(frame["period"])
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _reference(answers: pd.DataFrame) -> pd.DataFrame:
    """All-NGO rows the slow way: pandas groupby for respondent values, ``group_mean`` per cell."""
    rated = answers[answers["value"].notna()]
    parts = []
    for metric, (name, transform) in RESPONDENT_METRICS.items():
        rows = rated[rated["construct"] == name]
        x = pd.Series(np.asarray(transform(rows["value"].to_numpy()), dtype=float), index=rows.index)
        per = x.groupby(rows["rid"]).mean().rename("x").to_frame()
        attrs = rows.groupby("rid")[["region_id", "weight", "settlement"]].first()
        per = per.join(attrs).join(rows.groupby("rid")["period"].first().astype(str))
        bounds = (-100.0, 100.0) if metric == "net_trust" else (0.0, 100.0)
        for segment in ("all", "urban", "rural"):
            seg = per if segment == "all" else per[per["settlement"] == segment]
            regional = group_mean(seg, ["region_id", "period"], "x", bounds=bounds)
            national = group_mean(seg, ["period"], "x", bounds=bounds).assign(region_id=np.nan)
            parts.append(pd.concat([regional, national]).assign(metric=metric, segment=segment))
    return pd.concat(parts, ignore_index=True)


def _keyed(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["region_id"] = out["region_id"].astype("Float64").fillna(-1).astype(int)
    out["period"] = out["period"].astype(str)
    return out.set_index(["metric", "segment", "region_id", "period"]).sort_index()


def test_all_ngo_rows_match_group_mean_on_respondent_values():
    answers = _answers()
    fast, slow = _keyed(all_ngo_rows(answers)), _keyed(_reference(answers))
    assert list(fast.index) == list(slow.index)
    assert (fast["n"].to_numpy() == slow["n"].to_numpy()).all()
    for column in ("estimate", "se", "ci_low", "ci_high", "n_eff"):
        np.testing.assert_allclose(fast[column].to_numpy(dtype=float), slow[column].to_numpy(dtype=float),
                                   rtol=1e-12, atol=1e-12)
    assert fast["ngo_id"].isna().all()
    assert set(fast.index.get_level_values("segment")) == {"all", "urban", "rural"}


def test_all_ngo_rows_without_rated_answers_is_empty():
    answers = _answers().assign(value=np.nan)
    assert all_ngo_rows(answers).empty


def test_stored_flags_are_read_per_distinct_list():
    flags = pd.Series([[], ["speeder"], ["honeypot", "speeder"], ["not_excluding"], [], ["repeat_browser"]])
    table = stored_flags(flags)
    assert list(table.columns) == sorted(EXCLUDING_FLAGS)
    assert table["speeder"].tolist() == [False, True, True, False, False, False]
    assert table["honeypot"].tolist() == [False, False, True, False, False, False]
    assert table.any(axis=1).tolist() == [False, True, True, False, False, True]
    assert stored_flags(pd.Series([], dtype=object)).shape == (0, len(EXCLUDING_FLAGS))


def test_flag_texts_are_decoded_once_per_value_and_lists_pass_through():
    texts = pd.Series(['[]', '["speeder"]', None, '[]', b'["honeypot"]'])
    assert extract._flag_lists(texts).tolist() == [[], ["speeder"], [], [], ["honeypot"]]
    lists = pd.Series([["speeder"], [], None])
    assert extract._flag_lists(lists).tolist() == [["speeder"], [], []]


def test_survey_answers_join_by_position_keeps_order_and_drops_excluded():
    answers = pd.DataFrame({"rid": [2, 0, 1, 2, 0], "value": [1.0, 2.0, 3.0, 4.0, 5.0]})
    kept = pd.DataFrame({"rid": [2, 0], "region_id": [7, 9], "weight": [1.5, 0.5], "period": ["2026-Q1", "2026-Q2"],
                         "settlement": ["urban", None]})
    out = survey_answers(answers, kept)
    assert out["rid"].tolist() == [2, 0, 2, 0]
    assert out["value"].tolist() == [1.0, 2.0, 4.0, 5.0]
    assert out["region_id"].tolist() == [7, 9, 7, 9] and out["weight"].tolist() == [1.5, 0.5, 1.5, 0.5]
    assert out["period"].astype(str).tolist() == ["2026-Q1", "2026-Q2", "2026-Q1", "2026-Q2"]
    assert out["settlement"].isna().tolist() == [False, True, False, True]


def test_answers_refer_to_respondents_by_position(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-75"].id, ngo, [5, 4, None])
    db.session.flush()
    respondents = extract.load_respondents()
    answers = extract.load_answers(respondents)
    assert len(respondents) == 3 and respondents["rid"].tolist() == [0, 1, 2]
    assert sorted(set(answers["rid"])) == [0, 1, 2]
    trust = answers[answers["construct"] == "trust"].sort_values("value")
    # "Don't know" (no numeric value) is not read: no estimate has it in its base.
    assert trust["value"].tolist() == [4.0, 5.0] and not answers["value"].isna().any()
    assert (answers["ngo_id"] == ngo.id).all()
    assert str(answers["construct"].dtype) == "category"


def test_bulk_written_snapshots_read_back_as_the_orm_writes_them(db, regions):
    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-75"].id, ngo, [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4])
    compute_scores()
    db.session.commit()
    rows = db.session.scalars(select(ScoreSnapshot)).all()
    assert rows and all(r.computed_at is not None and r.computed_at.year >= 2026 for r in rows)
    assert {type(r.suppressed) for r in rows} == {bool}
    trust = next(r for r in rows if r.key == f"trust_index|{ngo.id}|{regions['KZ-75'].id}|2026-Q1|all|direct")
    assert trust.n == 12 and trust.estimate == pytest.approx(100 * sum((s - 1) / 4 for s in
                                                                       [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]) / 12)


def test_write_cache_is_raised_for_the_writes_and_restored_on_sqlite(db, regions, monkeypatch):
    from surveyapp.services.scores import store

    ngo = make_ngo()
    add_respondents(make_battery(ngos=[ngo]), regions["KZ-75"].id, ngo, [5, 4, 3])
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar() if sqlite else None
    seen = []
    original = store._insert_snapshots

    def spy(table):
        seen.append(connection.exec_driver_sql("PRAGMA cache_size").scalar() if sqlite else None)
        return original(table)

    monkeypatch.setattr(store, "_insert_snapshots", spy)
    compute_scores()
    if sqlite:
        assert seen == [-store.SQLITE_CACHE_KIB]
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == before
    else:  # PostgreSQL: no pragma, COPY path
        assert seen == [None]
    assert db.session.scalar(select(ScoreSnapshot.id).limit(1)) is not None


def test_recompute_clears_the_weight_of_a_newly_excluded_response_only(db, regions):
    from models import Response, Survey

    ngo = make_ngo()
    almaty = regions["KZ-75"].id
    add_respondents(make_battery(ngos=[ngo]), almaty, ngo, [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5])
    add_respondents(make_battery(period="2026-Q2", ngos=[ngo]), almaty, ngo, [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5])
    compute_scores()
    db.session.commit()
    responses = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert all(r.weight is not None for r in responses)
    flagged = responses[0]
    flagged.flags = ["honeypot"]
    period_of_flagged = db.session.get(Survey, flagged.survey_id).period
    db.session.commit()
    compute_scores(periods=[period_of_flagged])
    db.session.commit()
    db.session.expire_all()
    weights = {r.id: r.weight for r in db.session.scalars(select(Response))}
    assert weights[flagged.id] is None
    assert all(w is not None and w > 0 for rid, w in weights.items() if rid != flagged.id)


def test_stored_flags_of_rows_sharing_list_objects_equal_those_of_separate_lists():
    speeder, empty = ["speeder"], []
    shared = pd.Series([speeder, empty, speeder, ["honeypot"], empty], dtype=object)
    separate = pd.Series([["speeder"], [], ["speeder"], ["honeypot"], []], dtype=object)
    assert stored_flags(shared).equals(stored_flags(separate))
    assert stored_flags(shared)["speeder"].tolist() == [True, False, True, False, False]


def test_snapshot_rows_write_plain_python_ids_and_star_keys_for_missing_ones():
    from surveyapp.services.scores.store import SNAPSHOT_COLUMNS, snapshot_rows

    table = pd.DataFrame({
        "metric": ["awareness", "awareness", "trust_index"], "ngo_id": pd.array([3, None, 3], dtype="Int64"),
        "region_id": pd.Series([7.0, np.nan, np.nan]), "period": ["2026-Q1"] * 3, "segment": ["all", "urban", "all"],
        "method": ["direct", "direct", "shrunk"], "estimate": [50.0, 40.0, np.nan], "ci_low": [40.0, 30.0, np.nan],
        "ci_high": [60.0, 50.0, np.nan], "n": [12, 30, 4], "n_eff": [10.5, 25.0, 3.0],
        "suppressed": [False, False, True]})
    rows = [dict(zip(SNAPSHOT_COLUMNS, r)) for r in snapshot_rows(table, "now")]
    assert [r["key"] for r in rows] == ["awareness|3|7|2026-Q1|all|direct", "awareness|*|*|2026-Q1|urban|direct",
                                        "trust_index|3|*|2026-Q1|all|shrunk"]
    assert [(r["ngo_id"], r["region_id"]) for r in rows] == [(3, 7), (None, None), (3, None)]
    assert all(type(v) is int for r in rows for v in (r["ngo_id"], r["region_id"]) if v is not None)
    assert rows[2]["estimate"] is None and rows[2]["n_eff"] is None and rows[2]["suppressed"] is True
    assert rows[0]["computed_at"] == "now" and rows[1]["n"] == 30


def test_answer_ids_map_to_positions_by_runs_as_a_lookup_per_row_would():
    index = pd.Index(["a", "b", "c"])
    for ids in (["b", "b", "a", "x", "x", "c", "b", "b"], ["c"], [], pd.Series(["a", "a", "c"], dtype="str")):
        assert extract._positions(ids, index).tolist() == index.get_indexer(list(ids)).tolist()



def test_binary_id_words_map_to_positions_as_text_ids_do():
    import uuid

    rng = np.random.default_rng(3)
    known = [str(uuid.UUID(bytes=rng.bytes(16))) for _ in range(50)]
    index = pd.Index(known)
    unknown = str(uuid.UUID(bytes=rng.bytes(16)))
    ids = [known[i] for i in rng.integers(0, 50, 400)] + [unknown, unknown] + [known[3]] * 5
    words = extract._uuid_words(pd.Index(ids))
    expected = index.get_indexer(ids).tolist()
    assert extract._word_positions(words, index, extract._uuid_words(index)).tolist() == expected
    # Two responses sharing the mixed hash key fall back to comparing the whole 16 bytes.
    twins = extract._uuid_words(index).copy()
    twins[1] = twins[0]
    twins[1, 0] ^= np.uint64(1)
    mix, mod = int(extract._MIX), 2**64
    low, high, other = int(twins[0, 0]), int(twins[0, 1]), int(twins[1, 0])
    twins[1, 1] = ((low ^ other ^ (high * mix % mod)) * pow(mix, -1, mod)) % mod  # same mixed key as twins[0]
    assert not pd.Index(twins[:, 0] ^ (twins[:, 1] * extract._MIX)).is_unique
    heads = np.array([twins[1], twins[0], twins[2]])
    assert extract._word_positions(heads, index, twins).tolist() == [1, 0, 2]
    assert extract._word_positions(np.zeros((0, 2), dtype=np.uint64), index, twins).tolist() == []


def test_postgres_copy_reads_equal_the_cursor_reads(db, regions):
    """On PostgreSQL respondents come by CSV COPY and answers by binary COPY; on SQLite from the
    cursor. Both give the frames the plain cursor read gives (dtypes, NULLs, flags, positions)."""
    from models import Answer, Response

    ngo = make_ngo()
    battery = make_battery(ngos=[ngo])
    add_respondents(battery, regions["KZ-75"].id, ngo, [5, 4, None, 2])
    first = db.session.scalars(select(Response)).first()
    first.flags, first.duration_s, first.sex = ["speeder", "honeypot"], None, None
    db.session.flush()
    respondents = extract.load_respondents()
    columns = ["response_id", "survey_id", "period", "region_id", "settlement", "sex", "age_group", "duration_s",
               "flags", "mode"]
    from sqlalchemy import String, cast

    from models import Survey
    plain = extract._frame(
        select(cast(Response.id, String), Response.survey_id, Survey.period, Response.region_id, Response.settlement,
               Response.sex, Response.age_group, Response.duration_s, Response.flags, Survey.mode)
        .join(Survey, Survey.id == Response.survey_id), columns)
    plain["flags"] = extract._flag_lists(plain["flags"])
    plain["rid"] = np.arange(len(plain), dtype=np.int64)
    pd.testing.assert_frame_equal(respondents, plain)
    answers = extract.load_answers(respondents)
    stored = db.session.execute(select(cast(Answer.response_id, String), Answer.question_id, Answer.value_num)
                                .where(Answer.ngo_id.is_not(None), Answer.value_num.is_not(None))).all()
    position = {rid: i for i, rid in enumerate(respondents["response_id"])}
    assert sorted(zip(answers["rid"], answers["value"])) == sorted((position[r], v) for r, _q, v in stored)
    assert extract.load_scale_answers_general(respondents)["rid"].between(0, len(respondents) - 1).all()


def test_segment_tables_rename_metrics_as_series_replace_does():
    """``_segment_tables`` renames the criteria on an object array; the result equals
    ``Series.replace`` on the ``all`` table (same values and dtype), and the copies follow."""
    from analysis.indices import compute_indices
    from surveyapp.services.scores import compute

    answers = _answers(11)
    answers["ngo_id"] = np.tile([4, 9, 4, 9, 9, 4], len(answers) // 6 + 1)[:len(answers)]
    rng = np.random.default_rng(5)
    votes = pd.DataFrame({"ngo_id": rng.choice([4, 9], 200), "region_id": rng.choice([3, 5, 11], 200),
                          "period": rng.choice(["2026-Q1", "2026-Q2"], 200),
                          "rating": rng.integers(1, 6, 200).astype(float), "support": rng.integers(0, 2, 200).astype(float)})
    table = compute._segment_tables(answers, votes, pd.DataFrame(), pd.DataFrame(), None)
    full = compute_indices(answers, votes=votes, keys=compute.KEYS)
    expected = full["metric"].replace(compute.RENAME)
    got = table[table["segment"] == "all"]["metric"].reset_index(drop=True)
    pd.testing.assert_series_equal(got.iloc[:len(full)], expected, check_exact=True)
    assert {"criterion_projects", "criterion_usefulness", "criterion_trust"} <= set(got)
    assert not set(got) & set(compute.RENAME)


def _codes_by_hashing(rid: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Respondent codes the direct way: factorise every row, first row of each code."""
    codes, uniques = pd.factorize(rid, sort=False)
    first = np.array([int(np.flatnonzero(codes == c)[0]) for c in range(len(uniques))], dtype=np.int64)
    return codes.astype(np.int64), first, len(uniques)


@pytest.mark.parametrize("rid", [
    [4, 4, 1, 1, 1, 9, 2, 2],            # runs, not sorted (as SQLite returns a respondent's answers)
    [0, 0, 1, 2, 2, 2, 5],               # sorted
    [3, 3, 7, 3, 7, 7, 1, 3],            # a respondent in several runs
    [8],
    [2, 1, 2, 1, 2, 1],
])
def test_respondent_codes_follow_first_appearance(rid):
    from surveyapp.services.scores.aggregate import _respondent_codes

    got = _respondent_codes(np.array(rid, dtype=np.int64))
    want = _codes_by_hashing(np.array(rid, dtype=np.int64))
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist() and got[2] == want[2]


def test_all_ngo_rows_match_group_mean_when_answers_come_in_unsorted_runs():
    """Answers grouped by respondent but in no id order (as SQLite returns them): the codes come
    from the first row of each run, and the rows still match the groupby reference."""
    shuffled = _answers(seed=11)
    order = np.argsort(shuffled["rid"].map(lambda r: (r * 7919) % 301).to_numpy(), kind="stable")
    grouped = shuffled.iloc[order].reset_index(drop=True)
    assert not grouped["rid"].is_monotonic_increasing
    fast, slow = _keyed(all_ngo_rows(grouped)), _keyed(_reference(grouped))
    assert list(fast.index) == list(slow.index) and (fast["n"].to_numpy() == slow["n"].to_numpy()).all()
    for column in ("estimate", "se", "ci_low", "ci_high", "n_eff"):
        np.testing.assert_allclose(fast[column].to_numpy(dtype=float), slow[column].to_numpy(dtype=float),
                                   rtol=1e-12, atol=1e-12)
