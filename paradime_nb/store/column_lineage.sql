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
-- Models and snapshots with their compiled code and the nodes they depend on. A node the
-- run's manifest has no compiled code for (a `dbt parse` or `dbt test` manifest) takes the
-- code of another stored run of the schedule whose file had the same checksum.
WITH here AS (
    SELECT unique_id, resource_type, language, checksum, compiled_code
    FROM manifest_nodes
    WHERE schedule_name = $schedule_name AND run_id = $run_id AND resource_type IN ('model', 'snapshot')
),
elsewhere AS (
    SELECT m.unique_id, m.compiled_code,
           row_number() OVER (PARTITION BY m.unique_id ORDER BY m.run_id DESC) AS pick
    FROM manifest_nodes m
    JOIN here h ON h.unique_id = m.unique_id AND h.compiled_code IS NULL AND h.checksum IS NOT NULL
        AND m.checksum = h.checksum
    WHERE m.schedule_name = $schedule_name AND m.run_id <> $run_id AND m.compiled_code IS NOT NULL
),
parents AS (
    SELECT child_id AS unique_id, list(parent_id ORDER BY parent_id) AS depends_on
    FROM node_edges
    WHERE schedule_name = $schedule_name AND run_id = $run_id
    GROUP BY 1
)
SELECT h.unique_id, h.resource_type, coalesce(h.compiled_code, e.compiled_code) AS compiled_code, h.language,
       coalesce(p.depends_on, []) AS depends_on
FROM here h
LEFT JOIN elsewhere e ON e.unique_id = h.unique_id AND e.pick = 1
LEFT JOIN parents p ON p.unique_id = h.unique_id
ORDER BY h.unique_id;

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
FROM manifest_nodes m
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
