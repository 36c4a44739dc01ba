-- Every run's manifest and catalog rows, as when each run stored its own copy: a run reads
-- the version it points at. Same names and columns as the tables of schema v2.
-- Readers of one run filter runs first: only that run's version is read.
CREATE OR REPLACE VIEW manifest_nodes AS
SELECT r.schedule_name, r.run_id, n.* EXCLUDE (manifest_id)
FROM runs r JOIN manifest_node_versions n ON n.manifest_id = r.manifest_id;

CREATE OR REPLACE VIEW node_edges AS
SELECT r.schedule_name, r.run_id, e.* EXCLUDE (manifest_id)
FROM runs r JOIN manifest_edge_versions e ON e.manifest_id = r.manifest_id;

CREATE OR REPLACE VIEW test_metadata AS
SELECT r.schedule_name, r.run_id, t.* EXCLUDE (manifest_id)
FROM runs r JOIN manifest_test_versions t ON t.manifest_id = r.manifest_id;

CREATE OR REPLACE VIEW manifest_columns AS
SELECT r.schedule_name, r.run_id, c.* EXCLUDE (manifest_id)
FROM runs r JOIN manifest_column_versions c ON c.manifest_id = r.manifest_id;

CREATE OR REPLACE VIEW catalog_nodes AS
SELECT r.schedule_name, r.run_id, c.* EXCLUDE (catalog_id)
FROM runs r JOIN catalog_node_versions c ON c.catalog_id = r.catalog_id;

CREATE OR REPLACE VIEW catalog_columns AS
SELECT r.schedule_name, r.run_id, c.* EXCLUDE (catalog_columns_id)
FROM runs r JOIN catalog_column_versions c ON c.catalog_columns_id = r.catalog_columns_id;
