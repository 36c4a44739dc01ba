-- Tests whose parents include a walked node ($ids/$levels), level = 1 + the nearest such
-- parent, and the tests named in $test_ids (level 0; selectors can match tests directly).
-- Health of a test from its latest status and severity (a failing warn-severity test is a
-- warning, as dbt reports it; skipped is a warning; never run is unknown).
WITH walked AS (
    SELECT unnest($ids::VARCHAR[]) AS unique_id, unnest($levels::INTEGER[]) AS level
),
by_parent AS (
    SELECT e.child_id AS unique_id, min(abs(w.level)) + 1 AS level
    FROM walked w
    JOIN latest_edges e ON e.schedule_name = $schedule_name AND e.parent_id = w.unique_id
    JOIN latest_test_metadata t ON t.schedule_name = $schedule_name AND t.unique_id = e.child_id
    GROUP BY e.child_id
    UNION ALL
    SELECT unnest($test_ids::VARCHAR[]), 0
),
reached AS (
    SELECT unique_id, min(level) AS level FROM by_parent GROUP BY unique_id
)
SELECT r.unique_id, n.name, n.resource_type, r.level, lr.status,
    CASE
        WHEN lr.status IS NULL THEN {{UNKNOWN}}
        WHEN lr.status IN ('pass', 'success') THEN {{HEALTHY}}
        WHEN lr.status IN {{FAILING_TEST_STATUSES}} AND coalesce(t.severity, 'error') = 'error' THEN {{CRITICAL}}
        ELSE {{WARNING}}
    END AS health_status
FROM reached r
JOIN latest_nodes n ON n.schedule_name = $schedule_name AND n.unique_id = r.unique_id
JOIN latest_test_metadata t ON t.schedule_name = $schedule_name AND t.unique_id = r.unique_id
LEFT JOIN latest_node_results lr ON lr.schedule_name = $schedule_name AND lr.unique_id = r.unique_id
WHERE $max_level IS NULL OR r.level <= $max_level
ORDER BY r.level, n.name, r.unique_id
