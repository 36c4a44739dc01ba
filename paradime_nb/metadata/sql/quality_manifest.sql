-- The latest manifest's schema version and the run it came from (rules needing a field
-- that version lacks are "not applicable").
SELECT l.run_id, l.started_at, a.schema_version, a.dbt_version
FROM latest_manifest_runs l
JOIN runs r USING (schedule_name, run_id)
LEFT JOIN artifacts a ON a.schedule_name = r.schedule_name AND a.run_id = r.run_id
    AND a.command_index = r.manifest_command_index AND a.kind = 'manifest'
WHERE l.schedule_name = $schedule_name
QUALIFY row_number() OVER (ORDER BY a.path) = 1
