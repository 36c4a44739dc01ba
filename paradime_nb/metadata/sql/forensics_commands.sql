-- The run's commands in order, with the thread count its run_results asked for (args.threads;
-- NULL: the profile's) and the worker threads its timed results actually used.
SELECT c.command_index, c.command, c.dbt_command, c.exit_code, c.started_at, c.ended_at, c.duration_seconds,
    coalesce(c.executes_nodes, FALSE) AS executes_nodes,
    epoch_us(c.started_at) / 1e6 AS start_s, epoch_us(c.ended_at) / 1e6 AS end_s,
    (SELECT max(a.threads) FROM artifacts a
     WHERE a.schedule_name = c.schedule_name AND a.run_id = c.run_id AND a.command_index = c.command_index
       AND a.kind = 'run_results' AND a.used) AS threads_configured,
    (SELECT count(DISTINCT r.thread_id) FROM node_results r
     WHERE r.schedule_name = c.schedule_name AND r.run_id = c.run_id AND r.command_index = c.command_index
       AND r.execute_completed_at IS NOT NULL AND coalesce(r.compile_started_at, r.execute_started_at) IS NOT NULL
    )::INTEGER AS threads_used
FROM commands c
WHERE c.schedule_name = $schedule_name AND c.run_id = $run_id
ORDER BY c.command_index
