-- Sources of the latest manifest by latest freshness status ('not checked' if none).
SELECT coalesce(f.status, 'not checked') AS status, count(*) AS sources
FROM latest_nodes s
LEFT JOIN latest_source_freshness f ON f.schedule_name = s.schedule_name AND f.unique_id = s.unique_id
WHERE s.schedule_name = $schedule_name AND s.resource_type = 'source'
GROUP BY ALL
ORDER BY status
