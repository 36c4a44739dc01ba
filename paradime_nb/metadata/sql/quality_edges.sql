-- depends_on edges of the latest manifest between nodes that are not tests: what the
-- graph rules (fan-out, rejoins, unused models, sources outside staging) walk.
SELECT e.parent_id, p.resource_type AS parent_type, e.child_id, c.resource_type AS child_type
FROM latest_edges e
JOIN latest_nodes c ON c.schedule_name = e.schedule_name AND c.unique_id = e.child_id
LEFT JOIN latest_nodes p ON p.schedule_name = e.schedule_name AND p.unique_id = e.parent_id
WHERE e.schedule_name = $schedule_name AND c.resource_type NOT IN ('test', 'unit_test')
ORDER BY e.parent_id, e.child_id
