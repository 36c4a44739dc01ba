-- Exposures of the latest manifest with their owner (email, else name).
SELECT unique_id, name, package_name, original_file_path, tags, owner, exposure_type, maturity
FROM latest_nodes
WHERE schedule_name = $schedule_name AND resource_type = 'exposure'
ORDER BY name, unique_id
