-- The run's manifest as a graph: each node's type and its depends_on parents.
WITH p AS (
    SELECT child_id, list(parent_id) AS parents
    FROM node_edges
    WHERE schedule_name = $schedule_name AND run_id = $run_id
    GROUP BY child_id
)
SELECT m.unique_id, m.resource_type, p.parents
FROM model_metadata m
LEFT JOIN p ON p.child_id = m.unique_id
WHERE m.schedule_name = $schedule_name AND m.run_id = $run_id
