-- The latest manifest's graph as the SDK's get_dependency_graph_cached returns it: each
-- node (tests included) with its name, parents and children.
SELECT n.unique_id, n.name, l.depends_on AS parents, l.children
FROM latest_nodes n
JOIN node_links l USING (schedule_name, run_id, unique_id)
WHERE n.schedule_name = $schedule_name
ORDER BY n.unique_id
