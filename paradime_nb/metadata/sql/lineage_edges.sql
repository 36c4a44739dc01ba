-- The depends_on edges among a set of nodes of the latest manifest (for drawing a graph).
SELECT parent_id, child_id
FROM latest_edges
WHERE schedule_name = $schedule_name
  AND list_contains($ids, parent_id)
  AND list_contains($ids, child_id)
ORDER BY ALL
