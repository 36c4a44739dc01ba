-- Every node of the latest manifest that has a health (models, seeds, snapshots, sources,
-- exposures and the other downstream nodes) and every test, for `get_health_check`.
-- Non-test nodes take their health from the node_health snapshot, with their direct
-- parents' health (to name what an exposure reads); a test's own health is given as a
-- rank (3 critical, 2 warning, 1 unknown, 0 healthy) by the rules node_health applies to
-- the node it tests: fail/error with severity error is critical, a warning or a failing
-- warn-severity test (or a skipped one) a warning, never run unknown.
WITH RECURSIVE parents AS (
    SELECT e.child_id AS unique_id,
        list({'name': coalesce(p.name, p.unique_id), 'health_status': p.health_status}
             ORDER BY p.name, p.unique_id) AS parent_health
    FROM latest_edges e
    JOIN paradime_cache.node_health p ON p.schedule_name = e.schedule_name AND p.unique_id = e.parent_id
    WHERE e.schedule_name = $schedule_name
    GROUP BY e.child_id
),
-- What made a node unhealthy from upstream: every ancestor that is critical on its own,
-- or a source that is stale (or whose check failed).
origins AS (
    SELECT unique_id AS origin_id,
        CASE WHEN resource_type = 'source' THEN coalesce(source_name || '.', '') || name ELSE name END AS origin_name
    FROM paradime_cache.node_health
    WHERE schedule_name = $schedule_name
      AND resource_type IN ('model', 'seed', 'snapshot', 'source')
      AND (own_health = {{CRITICAL}} OR (resource_type = 'source' AND status IN {{STALE_FRESHNESS}}))
),
walk_edges AS (
    SELECT e.parent_id, e.child_id
    FROM latest_edges e
    JOIN latest_nodes c ON c.schedule_name = e.schedule_name AND c.unique_id = e.child_id
    WHERE e.schedule_name = $schedule_name AND c.resource_type NOT IN ('test', 'unit_test')
),
reach(origin_id, node_id) AS (
    SELECT o.origin_id, e.child_id FROM origins o JOIN walk_edges e ON e.parent_id = o.origin_id
    UNION
    SELECT r.origin_id, e.child_id FROM reach r JOIN walk_edges e ON e.parent_id = r.node_id
),
upstream_origins AS (
    SELECT r.node_id AS unique_id, list(DISTINCT o.origin_name ORDER BY o.origin_name) AS upstream_origins
    FROM reach r JOIN origins o USING (origin_id)
    GROUP BY r.node_id
),
targets AS (
    SELECT tt.test_id, string_agg(coalesce(n.name, tt.node_id), ', ' ORDER BY tt.node_id) AS tested_node_name
    FROM latest_test_targets tt
    LEFT JOIN latest_nodes n ON n.schedule_name = tt.schedule_name AND n.unique_id = tt.node_id
    WHERE tt.schedule_name = $schedule_name
    GROUP BY tt.test_id
)
SELECT h.unique_id, coalesce(h.name, h.unique_id) AS name, h.resource_type, h.package_name, h.materialized,
    h.source_name, h.status, h.status_run_id AS run_id, h.message, NULL::VARCHAR AS severity,
    NULL::BIGINT AS failures, NULL::VARCHAR AS tested_node_name,
    h.tests_failed, h.tests_errored, h.tests_warned,
    h.upstream_critical, h.upstream_source_error, h.upstream_source_warn,
    f.age_seconds, f.warn_after_seconds, f.error_after_seconds,
    coalesce(p.parent_health, []) AS parent_health,
    h.health_status, NULL::INTEGER AS health_rank, n.original_file_path,
    coalesce(u.upstream_origins, []) AS upstream_origins
FROM paradime_cache.node_health h
JOIN latest_nodes n ON n.schedule_name = h.schedule_name AND n.unique_id = h.unique_id
LEFT JOIN parents p ON p.unique_id = h.unique_id
LEFT JOIN upstream_origins u ON u.unique_id = h.unique_id
LEFT JOIN latest_source_freshness f ON f.schedule_name = h.schedule_name AND f.unique_id = h.unique_id
WHERE h.schedule_name = $schedule_name
UNION ALL
SELECT t.unique_id, coalesce(m.name, t.unique_id), m.resource_type, m.package_name, NULL, NULL,
    r.status, r.run_id, r.message, coalesce(t.severity, 'error'), r.failures, tg.tested_node_name,
    0, 0, 0, FALSE, FALSE, FALSE, NULL, NULL, NULL, [],
    NULL,
    CASE WHEN r.status IN {{FAILING_TEST_STATUSES}} AND coalesce(t.severity, 'error') = 'error' THEN 3
         WHEN r.status IN {{PROBLEM_TEST_STATUSES}} OR r.status = 'skipped' THEN 2
         WHEN r.status IS NULL THEN 1
         ELSE 0 END,
    m.original_file_path, []
FROM latest_test_metadata t
JOIN latest_nodes m ON m.schedule_name = t.schedule_name AND m.unique_id = t.unique_id
LEFT JOIN targets tg ON tg.test_id = t.unique_id
LEFT JOIN latest_node_results r ON r.schedule_name = t.schedule_name AND r.unique_id = t.unique_id
WHERE t.schedule_name = $schedule_name
ORDER BY resource_type, name, unique_id
