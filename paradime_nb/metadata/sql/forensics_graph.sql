-- The run's manifest nodes (type and name) ...
SELECT unique_id, resource_type, name
FROM model_metadata
WHERE schedule_name = $schedule_name AND run_id = $run_id
