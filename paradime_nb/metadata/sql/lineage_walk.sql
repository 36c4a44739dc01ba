-- Breadth-first walk from the start nodes ($start: unique ids) over the cached graph,
-- up ($direction = 'up': parents) or down (children), to $depth levels (NULL: all).
-- One row: the unique ids reached and, position by position, their levels (the shortest
-- distance from the start set; start nodes are level 0).
--
-- Why this shape: a recursive CTE with UNION keeps every node once (it discards rows
-- already produced), which makes it a true BFS frontier; but a level column would make
-- (node, 2) and (node, 5) different rows, and re-walk every node once per path length.
-- So node rows carry no level: (node, NULL). A single clock row (NULL, k) counts the
-- iterations, and each node row, when it is expanded one iteration later, also writes
-- its label (node, k). Labels and clocks are never expanded. Each iteration is one scan
-- of the frontier, one list lookup per node and one UNION: no join with the history
-- (USING KEY's `recurring` table costs a copy of it per level, 2-3x slower here).
WITH RECURSIVE
adjacency AS MATERIALIZED (
    SELECT CASE WHEN $direction = 'up' THEN up ELSE down END AS ids
    FROM paradime_cache.lineage_graphs
    WHERE schedule_name = $schedule_name
),
start AS (
    SELECT DISTINCT p AS node
    FROM (
        SELECT list_position(g.names, s.unique_id)::INTEGER AS p
        FROM paradime_cache.lineage_graphs g, (SELECT unnest($start::VARCHAR[]) AS unique_id) s
        WHERE g.schedule_name = $schedule_name
    )
    WHERE p IS NOT NULL
),
walk(node, level) AS (
    SELECT node, NULL::INTEGER FROM start
    UNION ALL
    SELECT NULL::INTEGER, 0
    UNION
    SELECT
        unnest(CASE
            WHEN w.node IS NULL THEN [NULL::INTEGER]
            WHEN $depth IS NULL OR w.k < $depth THEN list_prepend(w.node, a.ids[w.node])
            ELSE [w.node]
        END) AS node,
        unnest([CASE WHEN w.node IS NULL THEN w.k + 1 ELSE w.k END]) AS level
    FROM (
        SELECT node, max(level) OVER () AS k, count(node) OVER () AS frontier
        FROM walk
        WHERE node IS NULL OR level IS NULL
    ) w, adjacency a
    WHERE w.frontier > 0
),
labels AS (
    SELECT list(node ORDER BY node) AS nodes, list(level ORDER BY node) AS levels
    FROM walk
    WHERE node IS NOT NULL AND level IS NOT NULL
)
SELECT list_select(g.names, l.nodes) AS unique_ids, l.levels
FROM labels l, paradime_cache.lineage_graphs g
WHERE g.schedule_name = $schedule_name
