-- Every node of the run's graph (its manifest nodes, the ends of its edges, the nodes it has
-- results for), numbered in unique_id order: the index forensics_graph_edges and
-- forensics_graph_spans use too. kind: 0, or the position of the resource type in $test_types.
WITH ids AS (
    SELECT unique_id FROM manifest_nodes WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT parent_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT child_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT unique_id FROM node_results WHERE schedule_name = $schedule_name AND run_id = $run_id
)
SELECT i.unique_id, m.resource_type, m.name,
    coalesce(list_position($test_types, m.resource_type), 0)::TINYINT AS kind
FROM ids i
LEFT JOIN manifest_nodes m ON m.schedule_name = $schedule_name AND m.run_id = $run_id AND m.unique_id = i.unique_id
ORDER BY i.unique_id
