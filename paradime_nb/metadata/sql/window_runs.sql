-- The window of the history analyses: runs started in the $days days before the latest
-- stored run's start (the latest run included), so saved and demo history answer too.
SELECT max(started_at) - to_microseconds(CAST($days * 86400000000 AS BIGINT)) AS since, max(started_at) AS until
FROM runs
WHERE schedule_name = $schedule_name
