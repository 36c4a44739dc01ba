-- Per model of the latest manifest, the facts coverage and recommendations count: data
-- tests (unit tests excluded) on it, a primary-key test, its description, and its columns
-- (declared in the YAML, present in the latest catalog, or named by a test), which of them
-- are tested and which documented. Owner: meta.owner (or config.meta.owner), else the
-- owner of its group.
WITH models AS (
    SELECT unique_id, name, version, package_name, materialized, access, contract_enforced, deprecation_date,
        original_file_path, tags, coalesce(owner, group_owner) AS owner, group_name,
        trim(coalesce(description, '')) <> '' AS documented
    FROM latest_nodes
    WHERE schedule_name = $schedule_name AND resource_type = 'model'
),
tests AS (
    SELECT tt.node_id, tt.test_id, tm.test_name, lower(tm.column_name) AS column_key
    FROM latest_test_targets tt
    JOIN latest_test_metadata tm ON tm.schedule_name = tt.schedule_name AND tm.unique_id = tt.test_id
    WHERE tt.schedule_name = $schedule_name AND tm.test_type IS DISTINCT FROM 'unit'
),
pk AS (
    SELECT DISTINCT node_id FROM tests WHERE list_contains($key_tests, test_name)
    UNION
    SELECT node_id FROM tests
    WHERE column_key IS NOT NULL AND list_contains($key_column_tests, test_name)
    GROUP BY node_id, column_key
    HAVING count(DISTINCT test_name) = len($key_column_tests)
),
latest_catalog AS (
    SELECT cn.run_id FROM catalog_nodes cn JOIN runs r USING (schedule_name, run_id)
    WHERE cn.schedule_name = $schedule_name
    ORDER BY r.started_at DESC NULLS LAST, cn.run_id DESC LIMIT 1
),
known_columns AS (
    SELECT unique_id AS node_id, lower(column_name) AS column_key FROM latest_manifest_columns
    WHERE schedule_name = $schedule_name
    UNION
    SELECT cc.unique_id, lower(cc.column_name) FROM catalog_columns cc JOIN latest_catalog USING (run_id)
    WHERE cc.schedule_name = $schedule_name
    UNION
    SELECT node_id, column_key FROM tests WHERE column_key IS NOT NULL
),
documented_columns AS (
    SELECT DISTINCT unique_id AS node_id, lower(column_name) AS column_key FROM latest_manifest_columns
    WHERE schedule_name = $schedule_name AND trim(coalesce(description, '')) <> ''
),
columns AS (
    SELECT k.node_id,
        count(*) AS columns,
        count(*) FILTER (WHERE t.column_key IS NOT NULL) AS columns_tested,
        count(*) FILTER (WHERE d.column_key IS NOT NULL) AS columns_documented,
        list(k.column_key ORDER BY k.column_key) FILTER (WHERE d.column_key IS NULL) AS undocumented_columns
    FROM known_columns k
    LEFT JOIN (SELECT DISTINCT node_id, column_key FROM tests WHERE column_key IS NOT NULL) t USING (node_id, column_key)
    LEFT JOIN documented_columns d USING (node_id, column_key)
    GROUP BY k.node_id
),
test_counts AS (
    SELECT node_id, count(DISTINCT test_id) AS tests FROM tests GROUP BY node_id
)
SELECT m.unique_id, m.name, m.version, m.package_name, m.materialized, m.access, m.contract_enforced,
    m.deprecation_date, m.original_file_path, m.tags, m.owner, m.group_name,
    coalesce(tc.tests, 0) AS tests,
    pk.node_id IS NOT NULL AS has_primary_key_test,
    m.documented,
    coalesce(c.columns, 0) AS columns,
    coalesce(c.columns_tested, 0) AS columns_tested,
    coalesce(c.columns_documented, 0) AS columns_documented,
    coalesce(c.undocumented_columns, []) AS undocumented_columns
FROM models m
LEFT JOIN test_counts tc ON tc.node_id = m.unique_id
LEFT JOIN pk ON pk.node_id = m.unique_id
LEFT JOIN columns c ON c.node_id = m.unique_id
ORDER BY m.name, m.unique_id
