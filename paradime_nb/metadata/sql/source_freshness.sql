-- Every source of the latest manifest with its latest freshness check in the loaded runs.
-- Thresholds come from the check that was run (its criteria), else from the manifest.
SELECT s.unique_id, s.source_name, s.name AS table_name, f.status, f.max_loaded_at, f.snapshotted_at,
    f.age_seconds,
    CASE WHEN f.unique_id IS NULL THEN s.warn_after_seconds ELSE f.warn_after_seconds END AS warn_after_seconds,
    CASE WHEN f.unique_id IS NULL THEN s.warn_after_count ELSE f.warn_after_count END AS warn_after_count,
    CASE WHEN f.unique_id IS NULL THEN s.warn_after_period ELSE f.warn_after_period END AS warn_after_period,
    CASE WHEN f.unique_id IS NULL THEN s.error_after_seconds ELSE f.error_after_seconds END AS error_after_seconds,
    CASE WHEN f.unique_id IS NULL THEN s.error_after_count ELSE f.error_after_count END AS error_after_count,
    CASE WHEN f.unique_id IS NULL THEN s.error_after_period ELSE f.error_after_period END AS error_after_period,
    f.error, f.run_id, f.run_started_at,
    s.database_name AS database, s.schema_name, s.identifier, s.description, s.meta, s.tags, s.owner, s.loader,
    x.columns, coalesce(t.tests, []) AS tests
FROM latest_nodes s
JOIN node_extras x ON x.schedule_name = s.schedule_name AND x.run_id = s.run_id AND x.unique_id = s.unique_id
LEFT JOIN latest_source_freshness f ON f.schedule_name = s.schedule_name AND f.unique_id = s.unique_id
LEFT JOIN (SELECT node_id, list_sort(list(test_id)) AS tests FROM latest_test_targets
           WHERE schedule_name = $schedule_name GROUP BY ALL) t ON t.node_id = s.unique_id
WHERE s.schedule_name = $schedule_name AND s.resource_type = 'source'
ORDER BY CASE f.status WHEN 'error' THEN 0 WHEN 'runtime error' THEN 1 WHEN 'warn' THEN 2 WHEN 'pass' THEN 4 ELSE 3 END,
    s.source_name, s.name, s.unique_id
