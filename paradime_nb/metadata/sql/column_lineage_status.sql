-- Per model and snapshot of the derivation: ok / partial / unparsed, why, its columns;
-- with the name and materialization from the latest manifest.
SELECT s.unique_id, n.name, n.resource_type, n.materialized, s.status AS lineage_status, s.reason, s.dialect,
       s.columns
FROM column_lineage_status s
LEFT JOIN latest_nodes n ON n.schedule_name = $schedule_name AND n.unique_id = s.unique_id
WHERE s.lineage_key = $lineage_key
ORDER BY s.status DESC, n.name, s.unique_id
