-- The run's depends_on edges (distinct) as node indexes (forensics_graph_ids).
SELECT p.idx AS parent, c.idx AS child
FROM (SELECT DISTINCT parent_id, child_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id) e
JOIN forensics_graph_ids p ON p.unique_id = e.parent_id
JOIN forensics_graph_ids c ON c.unique_id = e.child_id
