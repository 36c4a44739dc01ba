-- Row count and bytes of every relation in the catalogs of the given runs, oldest catalog
-- first, named by the latest manifest (a relation gone from it: by the catalog's name).
SELECT c.unique_id, c.run_id, r.started_at, c.row_count, c.bytes, c.table_type,
    concat_ws('.', c.database_name, c.schema_name, c.table_name) AS relation,
    coalesce(m.name, c.table_name) AS name, coalesce(m.resource_type, split_part(c.unique_id, '.', 1)) AS resource_type
FROM catalog_nodes c
JOIN runs r USING (schedule_name, run_id)
LEFT JOIN latest_nodes m ON m.schedule_name = c.schedule_name AND m.unique_id = c.unique_id
WHERE c.schedule_name = $schedule_name AND list_contains($run_ids, c.run_id)
ORDER BY c.unique_id, r.started_at NULLS FIRST, c.run_id
