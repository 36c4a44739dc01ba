-- Forget the derived answers kept beside the store ($schedule_name NULL: every schedule);
-- the next analysis rebuilds them. Runs after health_cache.sql and lineage_cache.sql.
DELETE FROM paradime_cache.node_health_state WHERE $schedule_name IS NULL OR schedule_name = $schedule_name;
DELETE FROM paradime_cache.lineage_graphs WHERE $schedule_name IS NULL OR schedule_name = $schedule_name;
