-- Tests of the latest manifest counted once each, by latest status ('not run' if none).
SELECT status, count(*) AS tests
FROM latest_test_status
WHERE schedule_name = $schedule_name
GROUP BY ALL
ORDER BY status
