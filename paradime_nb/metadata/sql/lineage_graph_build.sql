-- The latest manifest's graph without tests, as integer ids 1..n and two adjacency lists
-- (children and parents of id i at position i). A walk then finds a node's neighbours by
-- list position, with no join against the edge table at every step. Tests are leaves of
-- the graph; the walks add them back in one join.
INSERT INTO paradime_cache.lineage_graphs
WITH nodes AS (
    SELECT unique_id, row_number() OVER (ORDER BY unique_id)::INTEGER AS id
    FROM latest_nodes
    WHERE schedule_name = $schedule_name AND resource_type NOT IN ('test', 'unit_test')
),
edges AS (
    SELECT DISTINCT p.id AS parent, c.id AS child
    FROM latest_edges e
    JOIN nodes p ON p.unique_id = e.parent_id
    JOIN nodes c ON c.unique_id = e.child_id
    WHERE e.schedule_name = $schedule_name AND p.id <> c.id
),
children AS (
    SELECT n.id, coalesce(list(e.child ORDER BY e.child) FILTER (WHERE e.child IS NOT NULL), []) AS ids
    FROM nodes n LEFT JOIN edges e ON e.parent = n.id
    GROUP BY n.id
),
parents AS (
    SELECT n.id, coalesce(list(e.parent ORDER BY e.parent) FILTER (WHERE e.parent IS NOT NULL), []) AS ids
    FROM nodes n LEFT JOIN edges e ON e.child = n.id
    GROUP BY n.id
)
SELECT
    $schedule_name,
    $run_id,
    $loaded_at,
    (SELECT count(*) FROM nodes)::INTEGER,
    coalesce((SELECT list(unique_id ORDER BY id) FROM nodes), []),
    coalesce((SELECT list(ids ORDER BY id) FROM children), []),
    coalesce((SELECT list(ids ORDER BY id) FROM parents), [])
