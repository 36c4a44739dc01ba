-- Walked nodes ($ids with their $levels) with what the latest manifest and the health view
-- say of them; the tests attached to them come from lineage_tests.sql.
WITH walked AS (
    SELECT unnest($ids::VARCHAR[]) AS unique_id, unnest($levels::INTEGER[]) AS level
)
SELECT w.unique_id, n.name, n.resource_type, w.level, h.status, h.health_status, h.execution_time,
    coalesce(h.execute_completed_at, h.status_run_started_at) AS executed_at
FROM walked w
JOIN latest_nodes n ON n.schedule_name = $schedule_name AND n.unique_id = w.unique_id
LEFT JOIN paradime_cache.node_health h ON h.schedule_name = $schedule_name AND h.unique_id = w.unique_id
ORDER BY abs(w.level), n.resource_type, n.name, w.unique_id
