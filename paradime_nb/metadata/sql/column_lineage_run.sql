-- The run whose manifest the schedule's analyses read (column lineage is derived from it).
SELECT run_id FROM latest_manifest_runs WHERE schedule_name = $schedule_name
