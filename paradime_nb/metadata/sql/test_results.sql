-- Every test of the latest manifest (generic, singular, unit; on models, sources, ...) with
-- its latest execution in the loaded runs. A singular test reading several nodes lists them
-- all in tested_nodes. $failed_only keeps fail and error.
WITH targets AS (
    SELECT tt.test_id, list(tt.node_id ORDER BY tt.node_id) AS tested_nodes,
        string_agg(coalesce(n.name, tt.node_id), ', ' ORDER BY tt.node_id) AS tested_node_name,
        list(n.name ORDER BY n.name) FILTER (WHERE n.resource_type = 'model') AS tested_models
    FROM latest_test_targets tt
    LEFT JOIN latest_nodes n ON n.schedule_name = tt.schedule_name AND n.unique_id = tt.node_id
    WHERE tt.schedule_name = $schedule_name
    GROUP BY tt.test_id
)
SELECT t.unique_id, m.name, t.test_name, t.test_type,
    coalesce(t.tested_node, CASE WHEN len(tg.tested_nodes) = 1 THEN tg.tested_nodes[1] END) AS tested_node,
    tg.tested_node_name, coalesce(tg.tested_nodes, []) AS tested_nodes,
    t.column_name, t.severity, r.status, r.failures, r.message, r.execution_time,
    r.run_id, r.run_started_at,
    coalesce(r.execute_completed_at, r.execute_started_at) AS executed_at,
    coalesce(l.depends_on, []) AS depends_on_nodes, coalesce(tg.tested_models, []) AS tested_models
FROM latest_test_metadata t
JOIN latest_nodes m ON m.schedule_name = t.schedule_name AND m.unique_id = t.unique_id
LEFT JOIN targets tg ON tg.test_id = t.unique_id
LEFT JOIN node_links l ON l.schedule_name = m.schedule_name AND l.run_id = m.run_id AND l.unique_id = m.unique_id
LEFT JOIN latest_node_results r ON r.schedule_name = t.schedule_name AND r.unique_id = t.unique_id
WHERE t.schedule_name = $schedule_name
  AND (NOT $failed_only OR r.status IN {{FAILING_TEST_STATUSES}})
ORDER BY CASE WHEN r.status IN {{FAILING_TEST_STATUSES}} THEN 0 WHEN r.status = 'warn' THEN 1
              WHEN r.status = 'pass' THEN 3 ELSE 2 END,
    m.name, t.unique_id
