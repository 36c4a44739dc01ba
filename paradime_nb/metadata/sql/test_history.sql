-- Per test, its outcomes over the runs started after $since, oldest first: pass, or
-- fail/warn/error (skipped and unrecognised statuses are not outcomes). A flip is a change
-- between pass and not-pass from one outcome to the next.
WITH executions AS (
    SELECT r.unique_id, r.run_id, r.run_started_at, r.status,
        coalesce(ln.name, mm.name) AS name
    FROM run_node_results r
    LEFT JOIN manifest_nodes mm ON mm.schedule_name = r.schedule_name AND mm.run_id = r.run_id AND mm.unique_id = r.unique_id
    LEFT JOIN latest_nodes ln ON ln.schedule_name = r.schedule_name AND ln.unique_id = r.unique_id
    WHERE r.schedule_name = $schedule_name AND r.run_started_at > $since
      AND coalesce(mm.resource_type, ln.resource_type) IN ('test', 'unit_test')
      AND r.status IN ('pass', 'warn', 'fail', 'error', 'runtime error')
),
outcomes AS (
    SELECT *, status <> 'pass' AS bad,
        lag(status <> 'pass') OVER (PARTITION BY unique_id ORDER BY run_started_at, run_id) AS was_bad
    FROM executions
)
SELECT o.unique_id,
    coalesce(arg_max(o.name, o.run_started_at) FILTER (WHERE o.name IS NOT NULL), o.unique_id) AS name,
    any_value(t.test_name) AS test_name,
    any_value(t.tested_node) AS tested_node,
    count(*)::INTEGER AS runs,
    count(*) FILTER (WHERE o.status = 'pass')::INTEGER AS passes,
    count(*) FILTER (WHERE o.status = 'warn')::INTEGER AS warnings,
    count(*) FILTER (WHERE o.status IN {{FAILING_TEST_STATUSES}})::INTEGER AS failures,
    count(*) FILTER (WHERE o.was_bad IS NOT NULL AND o.was_bad <> o.bad)::INTEGER AS flips,
    arg_max(o.status, o.run_started_at) AS last_status,
    arg_max(o.run_id, o.run_started_at) AS last_run_id,
    list(o.status ORDER BY o.run_started_at, o.run_id) AS statuses
FROM outcomes o
LEFT JOIN latest_test_metadata t ON t.schedule_name = $schedule_name AND t.unique_id = o.unique_id
GROUP BY o.unique_id
ORDER BY flips DESC, failures DESC, warnings DESC, name, o.unique_id
