-- name: run_key
-- The derivation a run's manifest has, if any.
SELECT r.lineage_key
FROM column_lineage_runs r
JOIN column_lineage_manifests m USING (lineage_key)
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id;

-- name: adapter
-- The adapter of the manifest the run's node tables come from.
SELECT a.adapter_type
FROM runs r
JOIN artifacts a ON a.schedule_name = r.schedule_name AND a.run_id = r.run_id
    AND a.command_index = r.manifest_command_index AND a.kind = 'manifest'
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id
LIMIT 1;

-- name: nodes
-- Models and snapshots with their compiled code and the nodes they depend on.
SELECT m.unique_id, m.resource_type, c.compiled_code, m.language,
       coalesce((SELECT list(e.parent_id ORDER BY e.parent_id) FROM node_edges e
                 WHERE e.schedule_name = m.schedule_name AND e.run_id = m.run_id AND e.child_id = m.unique_id),
                []) AS depends_on
FROM model_metadata m
LEFT JOIN node_code c USING (schedule_name, run_id, unique_id)
WHERE m.schedule_name = $schedule_name AND m.run_id = $run_id AND m.resource_type IN ('model', 'snapshot')
ORDER BY m.unique_id;

-- name: relations
-- Every node SQL can read, with its columns: the catalog's of this run or, when this run
-- has no catalog entry for it, of the latest earlier run that has one; else the columns
-- declared in the manifest.
WITH catalog AS (
    SELECT unique_id, list(column_name ORDER BY column_index, column_name) AS columns
    FROM (
        SELECT c.*, max(c.run_id) OVER (PARTITION BY c.unique_id) AS latest
        FROM catalog_columns c
        WHERE c.schedule_name = $schedule_name AND c.run_id <= $run_id
    )
    WHERE run_id = latest
    GROUP BY unique_id
),
declared AS (
    SELECT unique_id, list(column_name ORDER BY column_index) AS columns
    FROM manifest_columns
    WHERE schedule_name = $schedule_name AND run_id = $run_id
    GROUP BY unique_id
)
SELECT m.unique_id, m.resource_type, m.name, m.database_name, m.schema_name,
       coalesce(CASE WHEN m.resource_type = 'source' THEN m.identifier END, m.alias, m.identifier, m.name) AS identifier,
       m.materialized,
       coalesce(c.columns, d.columns, []) AS columns,
       CASE WHEN c.columns IS NOT NULL THEN 'catalog' WHEN d.columns IS NOT NULL THEN 'manifest' END AS columns_from
FROM model_metadata m
LEFT JOIN catalog c USING (unique_id)
LEFT JOIN declared d USING (unique_id)
WHERE m.schedule_name = $schedule_name AND m.run_id = $run_id
  AND m.resource_type IN ('model', 'snapshot', 'seed', 'source')
ORDER BY m.unique_id;

-- name: known_key
SELECT count(*) > 0 FROM column_lineage_manifests WHERE lineage_key = $lineage_key;

-- name: forget_run
DELETE FROM column_lineage_runs WHERE schedule_name = ? AND run_id = ?;

-- name: forget_edges
DELETE FROM column_lineage_edges WHERE lineage_key = ?;

-- name: forget_status
DELETE FROM column_lineage_status WHERE lineage_key = ?;

-- name: forget_manifest
DELETE FROM column_lineage_manifests WHERE lineage_key = ?;
