"""Reporting models: statistics rollups."""
