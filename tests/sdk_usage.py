"""A script in the shape of the paradime-io SDK's README and usage example, with only the
import changed. tests/test_sdk_compat.py runs it against the loopback server and checks
every printed figure against the oracle over the raw fixture JSON.

Usage: python -m tests.sdk_usage SCHEDULE MODEL [RUNS]   (credentials from PARADIME_API_*)
"""

from __future__ import annotations

import sys

from paradime_nb import Paradime

schedule, model = sys.argv[1], sys.argv[2]
client = Paradime(progress=False, cache_dir=False)
if len(sys.argv) > 3:
    client.metadata.load(schedule, runs=int(sys.argv[3]))

dashboard = client.metadata.get_health_dashboard(schedule)
print(f"Healthy models: {dashboard.healthy_models}/{dashboard.total_models}")
print(f"Warning models: {dashboard.warning_models}")
print(f"Critical models: {dashboard.critical_models}")
print(f"Tests: {dashboard.failed_tests} failed of {dashboard.total_tests}")
print(f"Test success rate: {dashboard.test_success_rate:.1f}%")
print(f"Sources: {dashboard.stale_sources} stale of {dashboard.sources_checked} checked")

for m in client.metadata.get_model_health(schedule):
    print(f"MODEL {m.name}: {m.health_status} tests={m.total_tests} failed={m.failed_tests}")

for m in client.metadata.get_failing_models(schedule):
    print(f"FAILING {m.name}: {m.failed_tests}")

for t in client.metadata.get_test_results(schedule, failed_only=True):
    print(f"FAILED TEST {t.unique_id} [{t.status}]: {t.error_message}")

for s in client.metadata.get_source_freshness(schedule):
    if s.freshness_checked:
        hours = "-" if s.hours_since_load is None else f"{s.hours_since_load:.2f}"
        warn = "-" if s.warn_after_hours is None else f"{s.warn_after_hours:g}"
        print(f"SOURCE {s.source_name}.{s.name}: {s.freshness_status} hours={hours} warn_after={warn}")

for dep in client.metadata.get_upstream_model_health(model, schedule):
    print(f"{'  ' * (dep.level - 1)}L{dep.level}: {dep.name} ({dep.health_status})")

for m in client.metadata.get_slowest_models(schedule, limit=5):
    print(f"SLOW {m.name}: {m.execution_time:.4f}s")

df = client.metadata.query_sql(
    "SELECT schema_name, count(*) FILTER (WHERE health_status = 'Critical') AS critical, count(*) AS models "
    "FROM models_with_tests WHERE schedule_name = ? GROUP BY schema_name ORDER BY schema_name",
    schedule, parameters=[dashboard.schedule_name],
)
for row in df.itertuples():
    print(f"SCHEMA {row.schema_name}: {row.critical} critical of {row.models}")

impact = client.metadata.get_downstream_impact(model, schedule, max_depth=10)
print(f"IMPACT total={impact.total_affected} critical={len(impact.critical_models)} "
      f"warning={len(impact.warning_models)} other={len(impact.potentially_affected)}")

perf = client.metadata.get_performance_summary(schedule, days=7)
print(f"PERF runs={perf.total_runs} success={perf.success_rate:.1f}% days={len(perf.performance_trend)}")
client.metadata.close()
