"""Demo responses and answers, generated with numpy and inserted in bulk.

Each respondent is asked about at most six NGOs drawn at random from their region's NGOs plus the
national ones. Awareness is asked of each; trust, usefulness, transparency and project assessment
only when aware (value_num None is "don't know"). Primary keys are UUIDs drawn from the seeded
generator, so answers reference their response without a round trip.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models import Answer, Region, Response

from .bulk import bulk_insert
from .model import AGE_EFFECTS, REGION_EFFECTS, SETTLEMENT_EFFECTS, NGOProfile
from .respondents import Sample, allocate, draw_sample
from .surveys import HELP_KINDS, INFO_SOURCES, SCALE5_CODES, WaveSurvey
from .texts import COMMENTS

NGOS_PER_RESPONDENT = 6
#: Per scale item: offset from the latent trust, noise SD and "don't know" share.
ITEMS = {"trust": (0.0, 0.7, 0.06), "usefulness": (0.15, 0.75, 0.08), "transparency": (-0.35, 0.8, 0.15),
         "project": (0.05, 0.8, 0.25)}
INFO_BY_AGE = {"18-29": (0.08, 0.50, 0.20, 0.01, 0.12, 0.04, 0.05), "30-44": (0.15, 0.38, 0.20, 0.02, 0.14, 0.05, 0.06),
               "45-59": (0.30, 0.22, 0.15, 0.05, 0.17, 0.04, 0.07), "60+": (0.45, 0.10, 0.08, 0.10, 0.18, 0.03, 0.06)}
HELP_P = (0.45, 0.15, 0.30, 0.20, 0.15, 0.20)
BATCH = 25_000


@dataclass
class ResponseCounts:
    """How many rows the response generator wrote."""

    responses: int = 0
    answers: int = 0
    speeders: int = 0
    straightliners: int = 0


class _Writer:
    """Collects rows and inserts responses before the answers that reference them."""

    def __init__(self, counts: ResponseCounts) -> None:
        self.counts = counts
        self.responses: list[dict[str, object]] = []
        self.answers: list[dict[str, object]] = []
        self.multi: list[dict[str, object]] = []

    def flush(self, force: bool = False) -> None:
        """Insert what is queued once enough answers are waiting (or now, with ``force``)."""
        if not force and len(self.answers) < BATCH:
            return
        for model, rows in ((Response, self.responses), (Answer, self.answers), (Answer, self.multi)):
            if rows:
                bulk_insert(model, rows)
        self.counts.responses += len(self.responses)
        self.counts.answers += len(self.answers) + len(self.multi)
        self.responses, self.answers, self.multi = [], [], []


def _uuid(rng: np.random.Generator) -> uuid.UUID:
    return uuid.UUID(bytes=rng.bytes(16), version=4)


def _scale_items(sample: Sample, pool: list[NGOProfile], chosen: np.ndarray, wave: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Awareness (n × k, bool) and the four scale items (n × k, 0 for "don't know")."""
    n, k = chosen.shape
    region_trust, region_aware = REGION_EFFECTS[sample.region.code]
    settle = np.array([SETTLEMENT_EFFECTS[s] for s in sample.settlement]).reshape(n, 2)
    age = np.array([AGE_EFFECTS[a] for a in sample.age]).reshape(n, 2)
    base_trust = np.array([p.trust + p.trend[wave] for p in pool])[chosen]
    base_aware = np.array([p.aware + p.aware_trend[wave] for p in pool])[chosen]
    logit = base_aware + region_aware + (settle[:, 1] + age[:, 1] + sample.person_aware)[:, None]
    aware = rng.random((n, k)) < 1 / (1 + np.exp(-logit))
    latent = base_trust + region_trust + (settle[:, 0] + age[:, 0] + sample.person_trust)[:, None]
    items = {}
    for code in SCALE5_CODES:
        offset, sd, dont_know = ITEMS[code]
        value = np.clip(np.rint(latent + offset + rng.normal(0, sd, (n, k))), 1, 5)
        items[code] = np.where(rng.random((n, k)) < dont_know, 0, value)
    speed, straight = sample.quality == 1, sample.quality == 2
    aware[speed] = rng.random((int(speed.sum()), k)) < 0.5
    aware[straight] = True
    level = rng.choice([5, 5, 4, 3, 1], size=int(straight.sum()))
    for code in SCALE5_CODES:
        items[code][speed] = rng.integers(1, 6, (int(speed.sum()), k))
        items[code][straight] = level[:, None]
    return aware, items


def _general(sample: Sample, rng: np.random.Generator) -> tuple[np.ndarray, list[str], list[list[str]], list[int]]:
    """help_area (0–10), info_source, help_received lists and comment indices (-1 none) per respondent."""
    n = len(sample)
    rural = np.array([s == "rural" for s in sample.settlement])
    rural_effect = np.where(rural, SETTLEMENT_EFFECTS["rural"][0], 0.0)
    mood = REGION_EFFECTS[sample.region.code][0] + rural_effect + sample.person_trust
    help_area = np.clip(np.rint(5.2 + 2.2 * mood + rng.normal(0, 1.8, n)), 0, 10)
    help_area[sample.quality == 1] = rng.integers(0, 11, int((sample.quality == 1).sum()))
    probs = np.array([INFO_BY_AGE[a] for a in sample.age]).reshape(n, 7)
    probs[rural] += np.array([0.04, 0.0, -0.1, 0.0, 0.06, 0.0, 0.0])
    probs = np.clip(probs, 0.001, None)
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    info_idx = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, 6)
    info = [INFO_SOURCES[i]["value"] for i in info_idx]
    got_any = rng.random(n) < 1 / (1 + np.exp(0.4 - 0.5 * sample.person_help - 0.3 * rural))
    kinds = rng.random((n, len(HELP_P))) < np.array(HELP_P)
    fallback = rng.integers(0, len(HELP_P), n)
    received: list[list[str]] = []
    for i in range(n):
        chosen = [HELP_KINDS[j]["value"] for j in np.flatnonzero(kinds[i])] or [HELP_KINDS[fallback[i]]["value"]]
        received.append(chosen if got_any[i] else ["none"])
    comment = np.where((rng.random(n) < 0.12) & (sample.quality == 0), rng.integers(0, 1000, n), -1).tolist()
    return help_area, info, received, comment


def _payload_hash(meta: dict[str, object], answers: list[list[object]]) -> str:
    """SHA-256 (hex) of the canonical JSON of the demographics and the answers, the latter as
    sorted ``[question id, NGO id or 0, value]`` triples (the shape the submission service hashes)."""
    body = {**meta, "ans": sorted(answers, key=lambda a: (a[0], a[1]))}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _row(response_id: uuid.UUID, question_id: int, ngo_id: int | None, value_num: float | None = None,
         value_text: str | None = None) -> dict[str, object]:
    """One Answer row (``ngo_key`` = ``ngo_id`` or 0, as the CHECK requires)."""
    return {"response_id": response_id, "question_id": question_id, "ngo_id": ngo_id, "ngo_key": ngo_id or 0,
            "value_num": value_num, "value_text": value_text}


def _region_wave(writer: _Writer, ws: WaveSurvey, region: Region, n: int, rng: np.random.Generator) -> None:
    """Generate and queue ``n`` responses of ``region`` in wave ``ws`` with all their answers."""
    sample = draw_sample(region, n, ws.wave, rng)
    pool = [p for p in ws.members if p.region_code in (None, region.code)]
    k = min(NGOS_PER_RESPONDENT, len(pool))
    chosen = np.argsort(rng.random((n, len(pool))), axis=1)[:, :k]
    aware, items = _scale_items(sample, pool, chosen, ws.index, rng)
    help_area, info, received, comment = _general(sample, rng)
    base = 95.0 + 38.0 * k
    duration = base * rng.lognormal(0, 0.35, n)
    duration = np.where(sample.quality == 1, base * rng.uniform(0.1, 0.28, n), duration)
    duration = np.where(sample.quality == 2, base * rng.uniform(0.4, 0.8, n), duration)
    q = ws.questions
    chosen_l, aware_l = chosen.tolist(), aware.tolist()
    items_l = {code: items[code].tolist() for code in SCALE5_CODES}
    for i in range(n):
        rid, submission, lang = _uuid(rng), _uuid(rng), sample.language[i]
        rows = [_row(rid, q["help_area"], None, float(help_area[i])), _row(rid, q["info_source"], None, None, info[i])]
        payload: list[list[object]] = [[q["help_area"], 0, int(help_area[i])], [q["info_source"], 0, info[i]],
                                       [q["help_received"], 0, received[i]]]
        for j in range(k):
            ngo_id, is_aware = pool[chosen_l[i][j]].ngo_id, aware_l[i][j]
            rows.append(_row(rid, q["aware"], ngo_id, 1.0 if is_aware else 0.0))
            payload.append([q["aware"], ngo_id, is_aware])
            for code in SCALE5_CODES if is_aware else ():
                value = items_l[code][i][j] or None  # 0 stands for "don't know"
                rows.append(_row(rid, q[code], ngo_id, value))
                payload.append([q[code], ngo_id, value])
        if comment[i] >= 0:
            mood = sample.person_trust[i]
            texts = COMMENTS[lang]["positive" if mood > 0.3 else "negative" if mood < -0.3 else "neutral"]
            rows.append(_row(rid, q["comment"], None, None, texts[comment[i] % len(texts)]))
            payload.append([q["comment"], 0, rows[-1]["value_text"]])
        writer.answers += rows
        writer.multi.append({"response_id": rid, "question_id": q["help_received"], "ngo_id": None, "ngo_key": 0,
                             "value_list": received[i]})
        quality = int(sample.quality[i])
        meta = {"l": lang, "r": region.code, "s": sample.settlement[i], "x": sample.sex[i], "a": sample.age[i]}
        writer.responses.append({
            "id": rid, "survey_id": ws.survey_id, "submission_id": submission,
            "payload_hash": _payload_hash(meta, payload), "region_id": region.id,
            "settlement": sample.settlement[i], "sex": sample.sex[i], "age_group": sample.age[i],
            "language": lang, "channel": sample.channel[i],
            "submitted_on": ws.wave.opens_on + dt.timedelta(days=int(sample.day[i])),
            "duration_s": int(round(duration[i])), "flags": [[], ["speeder"], ["straightliner"]][quality],
            "synthetic": True})
        writer.counts.speeders += quality == 1
        writer.counts.straightliners += quality == 2
        writer.flush()


def insert_responses(waves: list[WaveSurvey], regions: dict[str, Region], rng: np.random.Generator,
                     scale: float, progress: Callable[[str], None]) -> ResponseCounts:
    """Responses and answers for every wave (about 30,000 × ``scale`` in total); reports each wave."""
    counts = ResponseCounts()
    writer = _Writer(counts)
    for ws in waves:
        before = (counts.responses, counts.answers)
        for code, n in allocate(ws.wave, regions, scale).items():
            if n > 0:
                _region_wave(writer, ws, regions[code], n, rng)
        writer.flush(force=True)
        progress(f"survey {ws.wave.period} ({ws.wave.status}): {counts.responses - before[0]:,} responses, "
                 f"{counts.answers - before[1]:,} answers, {len(ws.members)} NGOs in its set")
    return counts
