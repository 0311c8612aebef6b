"""Words the dashboard shows about figures: bases, methods, reasons, sectors (translated)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models.ngo import SECTORS

from ..services.metrics import METRICS, Metric

try:  # the registry's own sector labels, when that module is present
    from ..admin.forms import SECTOR_LABELS as _ADMIN_SECTORS
except ImportError:  # pragma: no cover - registry forms not installed
    _ADMIN_SECTORS = {}

SECTOR_LABELS: dict[str, object] = {s: _ADMIN_SECTORS.get(s, s.replace("_", " ")) for s in SECTORS}

BASES: dict[str, object] = {
    "awareness": _l("all respondents asked about the NGO"),
    "trust": _l("respondents aware of the NGO who rated it (“don't know” excluded)"),
    "projects": _l("citizens who rated the NGO's projects"),
    "checklist": _l("the analysts' disclosure checklist (not a survey)"),
    "media": _l("stories in monitored media (syndicated copies counted once)"),
    "composite": _l("the four criteria combined with equal weights, each from its own base"),
}
METHOD_LABELS: dict[str, object] = {"shrunk": _l("shrunk toward the national figure"), "direct": _l("direct")}
SEGMENT_LABELS: dict[str, object] = {"all": _l("everyone"), "urban": _l("urban residents"),
                                     "rural": _l("rural residents")}
ALERT_LABELS: dict[str, object] = {"significant_change": _l("Significant change"), "media_spike": _l("Media spike")}
FAMILY_LABELS: dict[str, object] = {"composite": _l("External assessment"), "survey": _l("Survey"),
                                    "checklist": _l("Disclosure"), "projects": _l("Projects"), "media": _l("Media")}
WEIGHTING = _l("Survey answers are weighted by raking to each region's population by sex, age group and "
               "urban/rural residence; intervals are 95% (Wilson with the effective sample size for shares).")


def base_of(metric: Metric) -> object:
    """The base (who is counted) of a metric, as a sentence fragment."""
    if metric.key == "awareness":
        return BASES["awareness"]
    if metric.family in ("media", "checklist", "composite", "projects"):
        return BASES[metric.family]
    return BASES["trust"]


def metric_groups() -> list[tuple[object, list[Metric]]]:
    """Metrics grouped by family, in catalogue order (for a select with optgroups)."""
    groups: dict[str, list[Metric]] = {}
    for m in METRICS:
        groups.setdefault(m.family, []).append(m)
    return [(FAMILY_LABELS.get(f, f), ms) for f, ms in groups.items()]

CHECKLIST_LABELS: dict[str, object] = {
    "annual_report": _l("Annual report"), "audited_statements": _l("Audited statements"),
    "funding_sources": _l("Funding sources"), "governing_body": _l("Governing body"),
    "state_contracts_published": _l("State-order contracts published"),
}


def metric_label(key: str) -> object:
    """The translated label of a catalogue metric (the key itself if unknown)."""
    from ..services.metrics import METRICS_BY_KEY

    metric = METRICS_BY_KEY.get(key)
    return metric.label if metric else key
