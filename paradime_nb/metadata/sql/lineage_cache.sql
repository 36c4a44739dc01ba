-- The lineage graph cache: an in-memory database attached beside the store (so a
-- read-only store file still works), one row per schedule.
ATTACH IF NOT EXISTS ':memory:' AS paradime_cache (READ_ONLY false);
CREATE TABLE IF NOT EXISTS paradime_cache.lineage_graphs (
    schedule_name VARCHAR,
    run_id BIGINT,          -- the manifest's run
    loaded_at TIMESTAMP,    -- when that run was stored (a reload replaces the graph)
    n INTEGER,
    names VARCHAR[],        -- unique id of node i at position i
    down INTEGER[][],       -- children of node i
    up INTEGER[][]          -- parents of node i
);
