-- Row count and bytes of every relation in the catalogs of the given runs, with its name
-- and type from the same run's manifest, oldest catalog first.
SELECT c.unique_id, c.run_id, r.started_at, c.row_count, c.bytes, c.table_type,
    concat_ws('.', c.database_name, c.schema_name, c.table_name) AS relation,
    m.name, coalesce(m.resource_type, split_part(c.unique_id, '.', 1)) AS resource_type
FROM catalog_nodes c
JOIN runs r USING (schedule_name, run_id)
LEFT JOIN model_metadata m ON m.schedule_name = c.schedule_name AND m.run_id = c.run_id AND m.unique_id = c.unique_id
WHERE c.schedule_name = $schedule_name AND list_contains($run_ids, c.run_id)
ORDER BY c.unique_id, r.started_at NULLS FIRST, c.run_id
