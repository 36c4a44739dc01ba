-- Status and health of every node of the schedule's node_health snapshot (the column
-- walk keeps them with its graph until the store's next write).
SELECT unique_id, status, health_status
FROM paradime_cache.node_health
WHERE schedule_name = $schedule_name
