-- Every node result of the run's node-executing commands, with its span: from the start of
-- its compile step (or of execute, without one) to the end of execute (or of compile).
-- Seconds are epoch seconds, so the analyses do arithmetic on floats.
SELECT r.command_index, r.unique_id, r.result_index, r.status, r.thread_id, r.execution_time, r.message, r.failures,
    m.name, m.resource_type,
    coalesce(r.compile_started_at, r.execute_started_at) AS started_at,
    coalesce(r.execute_completed_at, r.compile_completed_at) AS ended_at,
    epoch_us(coalesce(r.compile_started_at, r.execute_started_at)) / 1e6 AS start_s,
    epoch_us(coalesce(r.execute_completed_at, r.compile_completed_at)) / 1e6 AS end_s,
    (epoch_us(r.compile_completed_at) - epoch_us(r.compile_started_at)) / 1e6 AS compile_seconds,
    (epoch_us(r.execute_completed_at) - epoch_us(r.execute_started_at)) / 1e6 AS execute_seconds
FROM node_results r
LEFT JOIN manifest_nodes m ON m.schedule_name = r.schedule_name AND m.run_id = r.run_id AND m.unique_id = r.unique_id
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id
ORDER BY r.command_index, start_s NULLS LAST, r.result_index
