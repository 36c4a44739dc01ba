"""Hypothesis profiles of the reliability suites.

``ci`` (the default) runs the counts the issue asks for within the test-time budget;
``deep`` runs ten times as many cases, keeps hypothesis' example database and has no
deadline. Choose with ``PARADIME_NB_HYPOTHESIS=deep``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("PARADIME_NB_HYPOTHESIS", "ci")
# generated cases per artifact kind in the bad-artifact suite (the issue: at least 200 in CI)
CASES_PER_KIND = {"ci": 200, "deep": 2000}

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=CASES_PER_KIND["ci"], deadline=None, database=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("deep", max_examples=CASES_PER_KIND["deep"], deadline=None,
                          suppress_health_check=_QUIET, print_blob=True)
if PROFILE not in CASES_PER_KIND:
    raise RuntimeError(f"PARADIME_NB_HYPOTHESIS={PROFILE!r}: choose one of {', '.join(CASES_PER_KIND)}")
settings.load_profile(PROFILE)
