"""Per-period counts of responses kept and excluded by the quality checks, by survey mode.

Stored as national, all-NGO snapshot rows so that pages can say "indicative — N responses
excluded" next to open-link results without a schema change (docs/security.md §6):

- metric ``responses_kept`` / ``responses_flagged``; ``segment`` is the survey mode (``open`` or
  ``invitation``); the count is in ``n``; no estimate. These two metrics are metadata, not in the
  published catalogue (``services.metrics``), so no page or API parameter can ask for them as a
  score.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

KEPT, FLAGGED = "responses_kept", "responses_flagged"
MODES = ("open", "invitation")


def exclusion_rows(respondents: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    """Snapshot-table rows counting, per period and survey mode, the responses that entered the
    estimates (``responses_kept``) and those the quality checks dropped (``responses_flagged``).

    ``respondents`` holds every response (columns ``response_id``, ``period``, ``mode``, optionally
    ``rid``); ``kept`` the ones that passed (``response_id``, or ``rid`` when both frames have it).
    Counts are numbers of responses.
    """
    columns = ["metric", "ngo_id", "region_id", "period", "segment", "method", "estimate", "ci_low", "ci_high",
               "n", "n_eff", "suppressed"]
    if not len(respondents):
        return pd.DataFrame(columns=columns)
    frame = respondents[["response_id", "period", "mode"]].copy()
    frame["mode"] = frame["mode"].fillna("open").astype(str)
    if "rid" in respondents and "rid" in kept:  # integer row ids (``extract``): no string hashing
        frame["kept"] = np.isin(respondents["rid"].to_numpy(), kept["rid"].to_numpy())
    else:
        frame["kept"] = frame["response_id"].isin(set(kept["response_id"])).to_numpy()
    counts = frame.groupby(["period", "mode"])["kept"].agg(["sum", "size"]).reset_index()
    rows = []
    for period, mode, n_kept, n_all in counts.itertuples(index=False):
        for metric, n in ((KEPT, int(n_kept)), (FLAGGED, int(n_all - n_kept))):
            rows.append({"metric": metric, "ngo_id": None, "region_id": None, "period": str(period),
                         "segment": str(mode), "method": "direct", "estimate": np.nan, "ci_low": np.nan,
                         "ci_high": np.nan, "n": n, "n_eff": np.nan, "suppressed": False})
    return pd.DataFrame(rows, columns=columns)


__all__ = ["FLAGGED", "KEPT", "MODES", "exclusion_rows"]
