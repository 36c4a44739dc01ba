"""The text health summary printed by ``python -m paradime_nb demo``.

Placeholder on the store views; the analyses issue replaces it with calls to
``client.metadata`` (get_health_dashboard, get_test_results, ...)."""

from __future__ import annotations


def print_demo_summary() -> None:
    from .client import Paradime

    client = Paradime.demo()
    report = client.metadata.load("jaffle-daily", runs=100, progress=False)
    print(report)
    df = client.metadata.query_sql("SELECT health_status, count(*) AS models FROM models_with_tests GROUP BY ALL ORDER BY 1")
    print(df.to_string(index=False))
