-- Per run started after $since: wall time, and the time its node executions add up to
-- (every command that executed nodes; threads make this exceed the wall time).
WITH executed AS (
    SELECT x.run_id, x.unique_id, x.status, x.execution_time,
        coalesce(mm.resource_type, ln.resource_type) AS resource_type
    FROM node_results x
    LEFT JOIN manifest_nodes mm ON mm.schedule_name = x.schedule_name AND mm.run_id = x.run_id AND mm.unique_id = x.unique_id
    LEFT JOIN latest_nodes ln ON ln.schedule_name = x.schedule_name AND ln.unique_id = x.unique_id
    WHERE x.schedule_name = $schedule_name
)
SELECT r.run_id, r.state, r.started_at, r.duration_seconds AS wall_seconds,
    coalesce(sum(e.execution_time), 0.0) AS node_seconds,
    count(DISTINCT e.unique_id) FILTER (WHERE e.status IS DISTINCT FROM 'skipped')::INTEGER AS nodes,
    count(DISTINCT e.unique_id) FILTER (WHERE e.status IS DISTINCT FROM 'skipped' AND e.resource_type = 'model')::INTEGER AS models
FROM runs r
LEFT JOIN executed e ON e.run_id = r.run_id
WHERE r.schedule_name = $schedule_name AND r.started_at > $since
GROUP BY ALL
ORDER BY r.started_at, r.run_id
