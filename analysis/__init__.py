"""Senim's analysis library: weighting, estimators, indices, text and monitoring.

Plain data in, plain data out: this package imports neither Flask nor ``models`` so that it runs
in a batch job, a notebook or a test without an app.
"""
