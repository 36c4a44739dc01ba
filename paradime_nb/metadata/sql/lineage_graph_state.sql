-- Is the cached lineage graph of the schedule built from its current latest manifest?
SELECT m.run_id, r.loaded_at, g.run_id IS NOT NULL AS cached
FROM latest_manifest_runs m
JOIN runs r USING (schedule_name, run_id)
LEFT JOIN paradime_cache.lineage_graphs g
    ON g.schedule_name = m.schedule_name AND g.run_id = m.run_id AND g.loaded_at IS NOT DISTINCT FROM r.loaded_at
WHERE m.schedule_name = $schedule_name
