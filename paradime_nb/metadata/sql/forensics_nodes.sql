-- The run's manifest nodes with what a deployment changes: the checksum and the stored
-- configuration (materialization, tags, meta, placement, access, test severity, freshness).
SELECT m.unique_id, m.resource_type, m.name, m.package_name, m.checksum, m.materialized, m.enabled,
    m.tags, m.meta::VARCHAR AS meta, m.database_name, m.schema_name, m.alias, m.access, m.group_name,
    m.owner, m.language, m.original_file_path,
    m.warn_after_seconds, m.error_after_seconds, m.freshness_filter, m.loaded_at_field,
    t.severity, t.warn_if, t.error_if, t.store_failures
FROM manifest_nodes m
LEFT JOIN test_metadata t ON t.schedule_name = m.schedule_name AND t.run_id = m.run_id AND t.unique_id = m.unique_id
WHERE m.schedule_name = $schedule_name AND m.run_id = $run_id
