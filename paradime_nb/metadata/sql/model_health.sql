-- Every model of the latest manifest with its latest execution, tests and health; the
-- worst first.
SELECT unique_id, name, version, package_name, materialized, status,
    status_run_id AS run_id, status_run_started_at AS run_started_at, execution_time, message,
    tests_total, tests_passed, tests_failed, tests_warned, tests_errored, tests_skipped, tests_not_run,
    problem_tests, upstream_critical, upstream_source_error, upstream_source_warn, health_status
FROM paradime_cache.models_with_tests
WHERE schedule_name = $schedule_name
ORDER BY CASE health_status WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 WHEN 'unknown' THEN 2 ELSE 3 END,
    name, unique_id
