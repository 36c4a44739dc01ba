-- The run's graph nodes by index (forensics_graph_ids) with type and name; kind: 0, or the
-- position of the resource type in $test_types.
SELECT i.idx, i.unique_id, m.resource_type, m.name,
    coalesce(list_position($test_types, m.resource_type), 0)::TINYINT AS kind
FROM forensics_graph_ids i
LEFT JOIN manifest_nodes m ON m.schedule_name = $schedule_name AND m.run_id = $run_id AND m.unique_id = i.unique_id
ORDER BY i.idx
