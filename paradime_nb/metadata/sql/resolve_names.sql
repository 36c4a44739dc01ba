-- Every name a node of the latest manifest answers to, for "did you mean" suggestions.
SELECT resource_type, CASE WHEN resource_type = 'source' THEN source_name || '.' || name ELSE name END AS label
FROM latest_nodes
WHERE schedule_name = $schedule_name AND name IS NOT NULL
ORDER BY label
