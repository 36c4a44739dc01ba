-- Per source of the latest manifest: is freshness configured (warn_after or error_after
-- with a count), its documentation and owner.
SELECT unique_id, source_name, name, package_name, original_file_path, tags, coalesce(owner, group_owner) AS owner,
    coalesce(warn_after_count, error_after_count) IS NOT NULL AS has_freshness,
    trim(coalesce(description, '')) <> '' AS documented
FROM latest_nodes
WHERE schedule_name = $schedule_name AND resource_type = 'source'
ORDER BY source_name, name, unique_id
