-- Every node of the health snapshot with its owner: meta.owner (or config.meta.owner),
-- else its group's owner, else (exposures) its declared owner.
SELECT h.unique_id, h.name, h.resource_type, h.status, h.health_status,
    coalesce(n.owner, n.group_owner) AS owner, n.group_name
FROM paradime_cache.node_health h
JOIN latest_nodes n ON n.schedule_name = h.schedule_name AND n.unique_id = h.unique_id
WHERE h.schedule_name = $schedule_name
ORDER BY h.name, h.unique_id
