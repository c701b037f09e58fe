"""Hypothesis profiles for the property tests: `--hypothesis-profile=thorough` runs 10,000 examples each."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "thorough", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
