"""Policymakers' dashboard: heatmaps, maps, NGO and region profiles, trends, alerts, exports."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import views  # noqa: E402,F401
