"""The catalogue of published metrics: snapshot names, units and scales.

``senim scores compute`` writes ``ScoreSnapshot.metric`` values from this list; pages, exports
and the API accept only these names. Definitions are in docs/methodology.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Metric:
    key: str
    label: object  # lazy string
    #: ``percent`` (0..100), ``index`` (0..100), ``net`` (−100..100), ``count`` or ``persons``.
    unit: str
    #: The criterion group it belongs to (for the composite) or the family (survey, media).
    family: str
    #: From survey respondents (subject to the n < 10 rule) or not (checklist, media counts).
    from_respondents: bool = True
    higher_is_better: bool = True

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        return {"percent": (0.0, 100.0), "index": (0.0, 100.0), "net": (-100.0, 100.0)}.get(
            self.unit, (0.0, None))


METRICS: tuple[Metric, ...] = (
    Metric("external_assessment", _l("External assessment"), "index", "composite"),
    Metric("criterion_transparency", _l("Financial transparency and accountability"), "index", "composite"),
    Metric("criterion_usefulness", _l("Public usefulness and efficiency"), "index", "composite"),
    Metric("criterion_trust", _l("The population's trust"), "index", "composite"),
    Metric("criterion_projects", _l("Projects and their assessment"), "index", "composite"),
    Metric("trust_index", _l("Trust index"), "index", "survey"),
    Metric("net_trust", _l("Net trust"), "net", "survey"),
    Metric("trust_share", _l("Trust (share 4–5)"), "percent", "survey"),
    Metric("distrust_share", _l("Distrust (share 1–2)"), "percent", "survey", higher_is_better=False),
    Metric("awareness", _l("Awareness"), "percent", "survey"),
    Metric("usefulness", _l("Usefulness"), "index", "survey"),
    Metric("transparency_perceived", _l("Perceived transparency"), "index", "survey"),
    Metric("transparency_checklist", _l("Disclosure checklist"), "index", "checklist", from_respondents=False),
    Metric("project_rating", _l("Project rating"), "index", "projects"),
    Metric("project_support", _l("Project support"), "percent", "projects"),
    Metric("media_coverage", _l("Media coverage index"), "index", "media", from_respondents=False),
    Metric("media_stories", _l("Stories"), "count", "media", from_respondents=False),
    Metric("media_reach", _l("Reach"), "persons", "media", from_respondents=False),
    Metric("media_net_tone", _l("Net tone"), "net", "media", from_respondents=False),
    Metric("media_share_of_voice", _l("Share of voice"), "percent", "media", from_respondents=False),
)
METRICS_BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
SEGMENTS = ("all", "urban", "rural")


def get_metric(key: str) -> Metric | None:
    """The metric called ``key``, or None when there is no such metric."""
    return METRICS_BY_KEY.get(key)
