-- Sources of the latest manifest by latest freshness status ('not checked' if none).
SELECT status, count(*) AS sources
FROM latest_source_status
WHERE schedule_name = $schedule_name
GROUP BY ALL
ORDER BY status
