-- Every node of the latest manifest with the attributes dbt's selector methods read
-- (tests with their parents, for `+test` and test methods).
WITH test_parents AS (
    SELECT e.child_id, list(e.parent_id ORDER BY e.parent_id) AS parents
    FROM latest_edges e
    JOIN latest_test_metadata t ON t.schedule_name = e.schedule_name AND t.unique_id = e.child_id
    WHERE e.schedule_name = $schedule_name
    GROUP BY e.child_id
)
SELECT n.unique_id, n.resource_type, n.name, n.package_name, n.version, n.latest_version, n.fqn, n.tags,
    n.source_name, n.original_file_path, n.materialized, n.access, n.group_name, n.enabled,
    t.test_type, t.test_name, t.severity, t.store_failures, coalesce(p.parents, []) AS parents
FROM latest_nodes n
LEFT JOIN latest_test_metadata t ON t.schedule_name = n.schedule_name AND t.unique_id = n.unique_id
LEFT JOIN test_parents p ON p.child_id = n.unique_id
WHERE n.schedule_name = $schedule_name
