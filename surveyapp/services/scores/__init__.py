"""``senim scores compute``: read responses, votes, checklists and mentions; write snapshots and alerts."""
from .compute import ScoreRun, compute_scores

__all__ = ["ScoreRun", "compute_scores"]
