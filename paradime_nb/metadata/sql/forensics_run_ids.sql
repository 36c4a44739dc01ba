-- The schedule's stored runs, newest first, and whether each is finished.
SELECT run_id, state, started_at, list_contains($unfinished, state) AS in_progress
FROM runs
WHERE schedule_name = $schedule_name
ORDER BY started_at DESC NULLS LAST, run_id DESC
