-- Every node of the run's graph (its manifest nodes, the ends of its edges, the nodes it has
-- results for), numbered in unique_id order, as a temporary table of the cursor that runs
-- it: the node index forensics_graph_nodes, forensics_graph_edges and forensics_graph_spans
-- join to (one numbering, made once).
CREATE OR REPLACE TEMP TABLE forensics_graph_ids AS
SELECT unique_id, (row_number() OVER (ORDER BY unique_id) - 1)::INTEGER AS idx
FROM (
    SELECT unique_id FROM manifest_nodes WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT parent_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT child_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT unique_id FROM node_results WHERE schedule_name = $schedule_name AND run_id = $run_id
)
