-- Every node of $resource_type (models; seeds, snapshots, exposures for the SDK's get_*_data)
-- of the latest manifest with its latest execution, tests and health, and its manifest
-- fields under the SDK's names; the worst first.
SELECT h.unique_id, h.name, h.version, h.package_name, h.materialized, h.status,
    h.status_run_id AS run_id, h.status_run_started_at AS run_started_at, h.execution_time, h.message,
    h.tests_total, h.tests_passed, h.tests_failed, h.tests_warned, h.tests_errored, h.tests_skipped, h.tests_not_run,
    h.problem_tests, h.upstream_critical, h.upstream_source_error, h.upstream_source_warn, h.health_status,
    h.resource_type, coalesce(h.execute_completed_at, h.status_run_started_at) AS executed_at,
    d.schema_name, d.database_name, d.alias, d.description, d.meta, d.tags, d.owner, d.language, d.access,
    d.compiled_sql, d.raw_sql, d.columns, d.depends_on, d.children_l1, d.parents_models, d.parents_sources
FROM paradime_cache.node_health h
JOIN latest_node_details d ON d.schedule_name = h.schedule_name AND d.unique_id = h.unique_id
WHERE h.schedule_name = $schedule_name AND h.resource_type = $resource_type
ORDER BY CASE h.health_status WHEN {{CRITICAL}} THEN 0 WHEN {{WARNING}} THEN 1 WHEN {{UNKNOWN}} THEN 2 ELSE 3 END,
    h.name, h.unique_id
