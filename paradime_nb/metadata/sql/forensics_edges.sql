-- ... and its depends_on edges.
SELECT parent_id, child_id
FROM node_edges
WHERE schedule_name = $schedule_name AND run_id = $run_id
