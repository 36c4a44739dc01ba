-- The run's depends_on edges (distinct) as node indexes (numbered as in forensics_graph_nodes).
WITH ids AS (
    SELECT unique_id FROM manifest_nodes WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT parent_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT child_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT unique_id FROM node_results WHERE schedule_name = $schedule_name AND run_id = $run_id
), numbered AS (
    SELECT unique_id, row_number() OVER (ORDER BY unique_id) - 1 AS idx FROM ids
), edges AS (
    SELECT DISTINCT parent_id, child_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
)
SELECT p.idx AS parent, c.idx AS child
FROM edges e
JOIN numbered p ON p.unique_id = e.parent_id
JOIN numbered c ON c.unique_id = e.child_id
