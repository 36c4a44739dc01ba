-- Store schema v2 -> v3: every run's copy of its manifest and catalog rows becomes one
-- row set per content, pointed at from runs. Runs with equal rows share a version; the
-- id is a fingerprint of the stored rows ("m-v2-..."), so a later load of the same
-- manifest (hashed from the parsed file) may add one more version: never a misread.
ALTER TABLE runs ADD COLUMN manifest_id VARCHAR;
ALTER TABLE runs ADD COLUMN catalog_id VARCHAR;
ALTER TABLE runs ADD COLUMN catalog_columns_id VARCHAR;

CREATE TEMP TABLE _v2_fingerprints AS
WITH
nodes AS (
    SELECT schedule_name, run_id, md5(string_agg(j, chr(10) ORDER BY j)) AS fp
    FROM (SELECT schedule_name, run_id, to_json(row(*COLUMNS(* EXCLUDE (schedule_name, run_id))))::VARCHAR AS j
          FROM manifest_nodes) GROUP BY ALL),
edges AS (
    SELECT schedule_name, run_id, md5(string_agg(parent_id || chr(9) || child_id, chr(10) ORDER BY parent_id, child_id)) AS fp
    FROM node_edges GROUP BY ALL),
tests AS (
    SELECT schedule_name, run_id, md5(string_agg(j, chr(10) ORDER BY j)) AS fp
    FROM (SELECT schedule_name, run_id, to_json(row(*COLUMNS(* EXCLUDE (schedule_name, run_id))))::VARCHAR AS j
          FROM test_metadata) GROUP BY ALL),
declared AS (
    SELECT schedule_name, run_id, md5(string_agg(j, chr(10) ORDER BY j)) AS fp
    FROM (SELECT schedule_name, run_id, to_json(row(*COLUMNS(* EXCLUDE (schedule_name, run_id))))::VARCHAR AS j
          FROM manifest_columns) GROUP BY ALL),
cat AS (
    SELECT schedule_name, run_id, md5(string_agg(j, chr(10) ORDER BY j)) AS fp
    FROM (SELECT schedule_name, run_id, to_json(row(*COLUMNS(* EXCLUDE (schedule_name, run_id))))::VARCHAR AS j
          FROM catalog_nodes) GROUP BY ALL),
cols AS (
    SELECT schedule_name, run_id, md5(string_agg(j, chr(10) ORDER BY j)) AS fp
    FROM (SELECT schedule_name, run_id, to_json(row(*COLUMNS(* EXCLUDE (schedule_name, run_id))))::VARCHAR AS j
          FROM catalog_columns) GROUP BY ALL)
SELECT r.schedule_name, r.run_id,
    CASE WHEN r.manifest_command_index IS NOT NULL OR n.fp IS NOT NULL OR e.fp IS NOT NULL OR t.fp IS NOT NULL
         THEN 'm-v2-' || md5(coalesce(n.fp, '') || '|' || coalesce(e.fp, '') || '|' || coalesce(t.fp, '')
                             || '|' || coalesce(d.fp, '')) END AS manifest_id,
    CASE WHEN c.fp IS NOT NULL THEN 'c-v2-' || c.fp END AS catalog_id,
    CASE WHEN k.fp IS NOT NULL THEN 'k-v2-' || k.fp END AS catalog_columns_id
FROM runs r
LEFT JOIN nodes n USING (schedule_name, run_id)
LEFT JOIN edges e USING (schedule_name, run_id)
LEFT JOIN tests t USING (schedule_name, run_id)
LEFT JOIN declared d USING (schedule_name, run_id)
LEFT JOIN cat c USING (schedule_name, run_id)
LEFT JOIN cols k USING (schedule_name, run_id);

UPDATE runs SET manifest_id = f.manifest_id, catalog_id = f.catalog_id, catalog_columns_id = f.catalog_columns_id
FROM _v2_fingerprints f WHERE runs.schedule_name = f.schedule_name AND runs.run_id = f.run_id;

-- One run stands for each version: its rows are the version's rows.
CREATE TEMP TABLE _v2_first AS
SELECT kind, version_id, arg_min(schedule_name, (schedule_name, run_id)) AS schedule_name,
       arg_min(run_id, (schedule_name, run_id)) AS run_id
FROM (SELECT 'manifest' AS kind, manifest_id AS version_id, schedule_name, run_id FROM _v2_fingerprints
      UNION ALL SELECT 'catalog', catalog_id, schedule_name, run_id FROM _v2_fingerprints
      UNION ALL SELECT 'catalog_columns', catalog_columns_id, schedule_name, run_id FROM _v2_fingerprints)
WHERE version_id IS NOT NULL
GROUP BY ALL;

INSERT INTO manifest_node_versions BY NAME
SELECT f.version_id AS manifest_id, m.* EXCLUDE (schedule_name, run_id)
FROM manifest_nodes m JOIN _v2_first f USING (schedule_name, run_id) WHERE f.kind = 'manifest';
INSERT INTO manifest_edge_versions BY NAME
SELECT f.version_id AS manifest_id, m.* EXCLUDE (schedule_name, run_id)
FROM node_edges m JOIN _v2_first f USING (schedule_name, run_id) WHERE f.kind = 'manifest';
INSERT INTO manifest_test_versions BY NAME
SELECT f.version_id AS manifest_id, m.* EXCLUDE (schedule_name, run_id)
FROM test_metadata m JOIN _v2_first f USING (schedule_name, run_id) WHERE f.kind = 'manifest';
INSERT INTO manifest_column_versions BY NAME
SELECT f.version_id AS manifest_id, m.* EXCLUDE (schedule_name, run_id)
FROM manifest_columns m JOIN _v2_first f USING (schedule_name, run_id) WHERE f.kind = 'manifest';
INSERT INTO catalog_node_versions BY NAME
SELECT f.version_id AS catalog_id, m.* EXCLUDE (schedule_name, run_id)
FROM catalog_nodes m JOIN _v2_first f USING (schedule_name, run_id) WHERE f.kind = 'catalog';
INSERT INTO catalog_column_versions BY NAME
SELECT f.version_id AS catalog_columns_id, m.* EXCLUDE (schedule_name, run_id)
FROM catalog_columns m JOIN _v2_first f USING (schedule_name, run_id) WHERE f.kind = 'catalog_columns';

INSERT INTO content_versions
SELECT f.version_id, f.kind,
    CASE f.kind WHEN 'manifest' THEN
            (SELECT count(*) FROM manifest_node_versions WHERE manifest_id = f.version_id)
            + (SELECT count(*) FROM manifest_edge_versions WHERE manifest_id = f.version_id)
            + (SELECT count(*) FROM manifest_test_versions WHERE manifest_id = f.version_id)
            + (SELECT count(*) FROM manifest_column_versions WHERE manifest_id = f.version_id)
        WHEN 'catalog' THEN (SELECT count(*) FROM catalog_node_versions WHERE catalog_id = f.version_id)
        ELSE (SELECT count(*) FROM catalog_column_versions WHERE catalog_columns_id = f.version_id) END,
    f.schedule_name, f.run_id
FROM _v2_first f;

DROP TABLE manifest_nodes;
DROP TABLE node_edges;
DROP TABLE test_metadata;
DROP TABLE manifest_columns;
DROP TABLE catalog_nodes;
DROP TABLE catalog_columns;
DROP TABLE _v2_fingerprints;
DROP TABLE _v2_first;
-- The latest result of each node and source per schedule, from the history.
DELETE FROM node_results_latest;
INSERT INTO node_results_latest BY NAME
SELECT r.*, ru.started_at AS run_started_at, ru.state AS run_state
FROM node_results r JOIN runs ru USING (schedule_name, run_id)
QUALIFY row_number() OVER (
    PARTITION BY r.schedule_name, r.unique_id
    ORDER BY ru.started_at DESC NULLS LAST, r.run_id DESC, r.command_index DESC, r.result_index DESC) = 1;
DELETE FROM freshness_results_latest;
INSERT INTO freshness_results_latest BY NAME
SELECT f.*, ru.started_at AS run_started_at
FROM freshness_results f JOIN runs ru USING (schedule_name, run_id)
QUALIFY row_number() OVER (
    PARTITION BY f.schedule_name, f.unique_id
    ORDER BY ru.started_at DESC NULLS LAST, f.run_id DESC, f.command_index DESC) = 1;
UPDATE store_info SET value = '3' WHERE key = 'schema_version';
