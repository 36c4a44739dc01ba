SELECT health_status, count(*) AS models
FROM paradime_cache.models_with_tests
WHERE schedule_name = $schedule_name
GROUP BY ALL
ORDER BY health_status
