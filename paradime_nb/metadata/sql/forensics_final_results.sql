-- Each node's final result within the run (its last execution), with name and type.
SELECT r.unique_id, r.status, r.execution_time, r.message, r.failures, r.command_index,
    coalesce(m.name, r.unique_id) AS name, m.resource_type
FROM run_node_results r
LEFT JOIN manifest_nodes m ON m.schedule_name = r.schedule_name AND m.run_id = r.run_id AND m.unique_id = r.unique_id
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id
