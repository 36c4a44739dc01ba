-- Tests of the latest manifest counted once each, by latest status ('not run' if none).
SELECT coalesce(r.status, 'not run') AS status, count(*) AS tests
FROM latest_test_metadata t
LEFT JOIN latest_node_results r ON r.schedule_name = t.schedule_name AND r.unique_id = t.unique_id
WHERE t.schedule_name = $schedule_name
GROUP BY ALL
ORDER BY status
