-- Changes between consecutive catalogs ($pairs: [run_id, previous_run_id] lists):
-- relations added or gone (a renamed model's old relation is gone), and for relations in
-- both, columns added, removed or retyped. Columns match by exact name.
WITH pairs AS (
    SELECT p[1] AS run_id, p[2] AS previous_run_id FROM (SELECT unnest($pairs) AS p)
),
rel AS (
    SELECT run_id, unique_id, concat_ws('.', database_name, schema_name, table_name) AS relation
    FROM catalog_nodes WHERE schedule_name = $schedule_name
),
col AS (
    SELECT run_id, unique_id, column_name, column_index, data_type
    FROM catalog_columns WHERE schedule_name = $schedule_name
),
relations AS (
    SELECT p.run_id, p.previous_run_id, $relation_added AS change, n.unique_id, n.relation
    FROM pairs p JOIN rel n ON n.run_id = p.run_id
    WHERE NOT EXISTS (SELECT 1 FROM rel o WHERE o.run_id = p.previous_run_id AND o.unique_id = n.unique_id)
    UNION ALL
    SELECT p.run_id, p.previous_run_id, $relation_removed, o.unique_id, o.relation
    FROM pairs p JOIN rel o ON o.run_id = p.previous_run_id
    WHERE NOT EXISTS (SELECT 1 FROM rel n WHERE n.run_id = p.run_id AND n.unique_id = o.unique_id)
),
both_rel AS (
    SELECT p.run_id, p.previous_run_id, n.unique_id, n.relation
    FROM pairs p
    JOIN rel n ON n.run_id = p.run_id
    JOIN rel o ON o.run_id = p.previous_run_id AND o.unique_id = n.unique_id
),
side AS (
    SELECT b.run_id, b.previous_run_id, b.unique_id, b.relation, c.run_id = b.run_id AS is_new,
        c.column_name, c.column_index, c.data_type
    FROM both_rel b
    JOIN col c ON c.unique_id = b.unique_id AND c.run_id IN (b.run_id, b.previous_run_id)
),
columns AS (
    SELECT coalesce(n.run_id, o.run_id) AS run_id, coalesce(n.previous_run_id, o.previous_run_id) AS previous_run_id,
        coalesce(n.unique_id, o.unique_id) AS unique_id, coalesce(n.relation, o.relation) AS relation,
        coalesce(n.column_name, o.column_name) AS column_name,
        coalesce(n.column_index, o.column_index) AS column_index,
        o.data_type AS old_type, n.data_type AS new_type,
        CASE WHEN o.column_name IS NULL THEN $column_added
             WHEN n.column_name IS NULL THEN $column_removed
             WHEN o.data_type IS DISTINCT FROM n.data_type THEN $type_changed END AS change
    FROM (SELECT * FROM side WHERE is_new) n
    FULL JOIN (SELECT * FROM side WHERE NOT is_new) o
        ON o.run_id = n.run_id AND o.unique_id = n.unique_id AND o.column_name = n.column_name
)
SELECT run_id, previous_run_id, change, unique_id, relation, NULL::VARCHAR AS column_name, NULL::INTEGER AS column_index,
    NULL::VARCHAR AS old_type, NULL::VARCHAR AS new_type
FROM relations
UNION ALL
SELECT run_id, previous_run_id, change, unique_id, relation, column_name, column_index, old_type, new_type
FROM columns WHERE change IS NOT NULL
