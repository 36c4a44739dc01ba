SELECT run_id, state, started_at, ended_at, duration_seconds
FROM runs
WHERE schedule_name = $schedule_name
ORDER BY started_at DESC NULLS LAST, run_id DESC
LIMIT 1
