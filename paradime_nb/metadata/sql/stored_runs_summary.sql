-- Per schedule in the store: how many runs are loaded, their span, and the latest one.
SELECT s.schedule_name, s.display_name, count(r.run_id) AS runs_loaded,
    min(r.started_at) AS first_run_started, max(r.started_at) AS last_run_started,
    arg_max(r.run_id, r.started_at) AS latest_run_id, arg_max(r.state, r.started_at) AS latest_run_state
FROM schedules s
LEFT JOIN runs r USING (schedule_name)
GROUP BY ALL
ORDER BY s.schedule_name
