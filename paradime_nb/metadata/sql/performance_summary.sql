-- The models' executions (final result per run) in the runs started after $since: their
-- mean time and the share that succeeded (percent).
SELECT avg(r.execution_time) FILTER (WHERE r.status IS DISTINCT FROM 'skipped') AS average_execution_time,
    100.0 * count(*) FILTER (WHERE r.status IN {{OK_STATUSES}}) / nullif(count(*), 0) AS success_rate
FROM run_node_results r
JOIN manifest_nodes n ON n.schedule_name = r.schedule_name AND n.run_id = r.run_id AND n.unique_id = r.unique_id
WHERE r.schedule_name = $schedule_name AND r.run_started_at > $since AND n.resource_type = 'model'
