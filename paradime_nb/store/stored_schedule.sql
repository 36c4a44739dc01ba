-- A stored schedule by slug or display name (the slug wins when both match), and whether
-- any of its runs is stored.
SELECT s.schedule_name, s.display_name, s.cron, s.owner, s.commands, s.git_branch, s.suspended,
    EXISTS (SELECT 1 FROM runs r WHERE r.schedule_name = s.schedule_name) AS has_runs
FROM schedules s
WHERE s.schedule_name = $schedule OR s.display_name = $schedule
ORDER BY s.schedule_name = $schedule DESC
LIMIT 1
