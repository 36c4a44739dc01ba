-- The latest manifest's nodes (name, type, known columns) and depends_on children, for
-- the column walk: who reads a node (exposures included), and which columns it has.
WITH kids AS (
    SELECT parent_id AS unique_id, list(child_id ORDER BY child_id) AS children
    FROM latest_edges WHERE schedule_name = $schedule_name GROUP BY 1
),
cat AS (
    SELECT unique_id, list(DISTINCT lower(column_name)) AS columns
    FROM catalog_columns WHERE schedule_name = $schedule_name GROUP BY 1
),
declared AS (
    SELECT d.unique_id, list(lower(d.column_name)) AS columns
    FROM manifest_columns d JOIN latest_manifest_runs USING (schedule_name, run_id)
    WHERE d.schedule_name = $schedule_name GROUP BY 1
)
SELECT n.unique_id, n.name, n.resource_type, coalesce(k.children, []) AS children,
       list_distinct(list_concat(coalesce(c.columns, []), coalesce(d.columns, []))) AS columns
FROM latest_nodes n
LEFT JOIN kids k USING (unique_id)
LEFT JOIN cat c USING (unique_id)
LEFT JOIN declared d USING (unique_id)
WHERE n.schedule_name = $schedule_name AND n.resource_type NOT IN ('test', 'unit_test')
