-- Nodes of the latest manifest a user-typed name may designate (the Python side decides).
SELECT unique_id, resource_type, name, version, is_latest_version, package_name, source_name
FROM latest_nodes
WHERE schedule_name = $schedule_name
  AND (unique_id = $value
       OR lower(name) IN (lower($value), lower($base))
       OR lower(source_name || '.' || name) = lower($value))
ORDER BY unique_id
