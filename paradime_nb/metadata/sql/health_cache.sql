-- A snapshot of node_health per schedule, in the in-memory database attached beside the
-- store: the health view walks the whole graph (about a second on 10,000 models), and its
-- answer only changes when runs are stored or removed.
ATTACH IF NOT EXISTS ':memory:' AS paradime_cache (READ_ONLY false);
CREATE TABLE IF NOT EXISTS paradime_cache.node_health AS SELECT * FROM node_health LIMIT 0;
CREATE TABLE IF NOT EXISTS paradime_cache.node_health_state (schedule_name VARCHAR, generation BIGINT);
CREATE OR REPLACE VIEW paradime_cache.models_with_tests AS
    SELECT * EXCLUDE (resource_type) FROM paradime_cache.node_health WHERE resource_type = 'model';
