DELETE FROM paradime_cache.lineage_graphs WHERE schedule_name = $schedule_name
