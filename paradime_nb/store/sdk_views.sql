-- The paradime-io SDK's tables, as views over what the store holds (nothing stored twice),
-- with the columns its users write SQL against (../shared/sdk-interface.md) beside ours.
-- Created after views.sql; every row has schedule_name.

-- Per node of each manifest version: its parents and children (computed once per
-- version, not per run), then per run (node_links).
CREATE OR REPLACE VIEW manifest_links AS
WITH parents AS (
    SELECT e.manifest_id, e.child_id AS unique_id,
        list_sort(list(e.parent_id)) AS depends_on,
        list_sort(list(e.parent_id) FILTER (WHERE p.resource_type = 'model')) AS parents_models,
        list_sort(list(e.parent_id) FILTER (WHERE p.resource_type = 'source')) AS parents_sources
    FROM manifest_edge_versions e
    LEFT JOIN manifest_node_versions p ON p.manifest_id = e.manifest_id AND p.unique_id = e.parent_id
    GROUP BY ALL
),
children AS (
    SELECT manifest_id, parent_id AS unique_id, list_sort(list(child_id)) AS children
    FROM manifest_edge_versions
    GROUP BY ALL
)
SELECT n.manifest_id, n.unique_id,
    coalesce(p.depends_on, []) AS depends_on,
    coalesce(p.parents_models, []) AS parents_models,
    coalesce(p.parents_sources, []) AS parents_sources,
    coalesce(c.children, []) AS children
FROM manifest_node_versions n
LEFT JOIN parents p USING (manifest_id, unique_id)
LEFT JOIN children c USING (manifest_id, unique_id);

CREATE OR REPLACE VIEW node_links AS
SELECT r.schedule_name, r.run_id, l.unique_id, l.depends_on, l.parents_models, l.parents_sources, l.children
FROM runs r JOIN manifest_links l ON l.manifest_id = r.manifest_id;

-- The SDK's `config` (the config fields the store keeps) and `columns` (the relation's
-- columns from the same run's catalog.json: {name: {name, data_type, description}}), built
-- once per catalog version.
CREATE OR REPLACE VIEW catalog_column_objects AS
SELECT catalog_columns_id, unique_id,
    json_group_object(column_name, json_object('name', column_name, 'data_type', data_type,
                                               'description', column_comment, 'index', column_index)) AS columns
FROM catalog_column_versions
GROUP BY ALL;

CREATE OR REPLACE VIEW node_columns AS
SELECT r.schedule_name, r.run_id, c.unique_id, c.columns
FROM runs r JOIN catalog_column_objects c ON c.catalog_columns_id = r.catalog_columns_id;

CREATE OR REPLACE VIEW node_extras AS
SELECT n.schedule_name, n.run_id, n.unique_id,
    json_object('materialized', n.materialized, 'enabled', n.enabled, 'tags', n.tags, 'meta', n.meta,
                'access', n.access, 'group', n.group_name, 'alias', n.alias, 'schema', n.schema_name,
                'database', n.database_name) AS config,
    coalesce(c.columns, '{}'::JSON) AS columns
FROM manifest_nodes n
LEFT JOIN node_columns c USING (schedule_name, run_id, unique_id);

-- model_metadata: every node of every stored manifest, with its edges.
CREATE OR REPLACE VIEW model_metadata AS
SELECT n.*, x.config, x.columns, l.depends_on, l.depends_on AS parents, l.children
FROM manifest_nodes n
JOIN node_links l USING (schedule_name, run_id, unique_id)
JOIN node_extras x USING (schedule_name, run_id, unique_id);

-- dbt_run_results: each result of a node-executing command with the node's fields from the
-- same run's manifest (NULL when that run left no manifest).
CREATE OR REPLACE VIEW dbt_run_results AS
SELECT r.*, n.name, n.resource_type,
    coalesce(r.execute_completed_at, r.execute_started_at) AS executed_at,
    coalesce(l.depends_on, []) AS depends_on,
    CASE WHEN r.status NOT IN {{OK_STATUSES}} THEN r.message END AS error_message,
    n.schema_name, n.database_name, n.materialized AS materialized_type, n.tags, n.meta, n.alias,
    n.description, n.owner, n.package_name, n.compiled_code AS compiled_sql, n.original_file_path
FROM node_results r
LEFT JOIN manifest_nodes n ON n.schedule_name = r.schedule_name AND n.run_id = r.run_id AND n.unique_id = r.unique_id
LEFT JOIN node_links l ON l.schedule_name = r.schedule_name AND l.run_id = r.run_id AND l.unique_id = r.unique_id;

-- dbt_source_freshness_results: each freshness check, thresholds also in hours.
CREATE OR REPLACE VIEW dbt_source_freshness_results AS
SELECT f.*, f.table_name AS name, f.status AS freshness_status,
    f.age_seconds AS max_loaded_at_time_ago_in_s,
    f.age_seconds / 3600.0 AS hours_since_load,
    f.warn_after_seconds / 3600.0 AS warn_after_hours,
    f.error_after_seconds / 3600.0 AS error_after_hours,
    json_object('warn_after', json_object('count', f.warn_after_count, 'period', f.warn_after_period),
                'error_after', json_object('count', f.error_after_count, 'period', f.error_after_period),
                'filter', f.freshness_filter) AS criteria,
    n.database_name AS database, n.schema_name, n.identifier, n.loader, f.error AS error_message
FROM freshness_results f
LEFT JOIN manifest_nodes n ON n.schedule_name = f.schedule_name AND n.run_id = f.run_id AND n.unique_id = f.unique_id;

-- The latest manifest's nodes under the SDK's names (joined to the health of the node):
-- links and columns of the latest manifest run's versions only.
CREATE OR REPLACE VIEW latest_node_details AS
SELECT n.schedule_name, n.unique_id, n.schema_name, n.database_name, n.alias,
    n.materialized AS materialized_type, n.description, n.meta, n.tags, n.owner, n.language, n.access,
    n.compiled_code AS compiled_sql, n.raw_code AS raw_sql, coalesce(c.columns, '{}'::JSON) AS columns,
    l.depends_on, l.children AS children_l1, l.parents_models, l.parents_sources
FROM latest_nodes n
JOIN latest_manifest_runs m ON m.schedule_name = n.schedule_name AND m.run_id = n.run_id
JOIN manifest_links l ON l.manifest_id = m.manifest_id AND l.unique_id = n.unique_id
LEFT JOIN catalog_column_objects c ON c.catalog_columns_id = m.catalog_columns_id AND c.unique_id = n.unique_id;

-- models_with_tests: the models of node_health with the SDK's columns (health_status is
-- 'Healthy', 'Warning', 'Critical' or 'Unknown').
CREATE OR REPLACE VIEW models_with_tests AS
SELECT h.* EXCLUDE (source_name),
    coalesce(h.execute_completed_at, h.status_run_started_at) AS executed_at,
    h.tests_total AS total_tests,
    h.tests_failed + h.tests_errored AS failed_tests,
    CASE WHEN h.status NOT IN {{OK_STATUSES}} THEN h.message END AS error_message,
    d.* EXCLUDE (schedule_name, unique_id)
FROM node_health h
JOIN latest_node_details d USING (schedule_name, unique_id)
WHERE h.resource_type = 'model';

-- latest_model_results: each model's latest execution over the loaded runs.
CREATE OR REPLACE VIEW latest_model_results AS
SELECT r.*, ru.started_at AS run_started_at, ru.state AS run_state
FROM dbt_run_results r
JOIN runs ru USING (schedule_name, run_id)
WHERE r.resource_type = 'model'
QUALIFY row_number() OVER (
    PARTITION BY r.schedule_name, r.unique_id
    ORDER BY ru.started_at DESC NULLS LAST, r.run_id DESC, r.command_index DESC, r.result_index DESC) = 1;

-- Tests and sources of the latest manifest with their latest outcome (the dashboard's counts).
CREATE OR REPLACE VIEW latest_test_status AS
SELECT t.schedule_name, t.unique_id, coalesce(r.status, 'not run') AS status
FROM latest_test_metadata t
LEFT JOIN latest_node_results r ON r.schedule_name = t.schedule_name AND r.unique_id = t.unique_id;

CREATE OR REPLACE VIEW latest_source_status AS
SELECT s.schedule_name, s.unique_id, coalesce(f.status, 'not checked') AS status
FROM latest_nodes s
LEFT JOIN latest_source_freshness f ON f.schedule_name = s.schedule_name AND f.unique_id = s.unique_id
WHERE s.resource_type = 'source';

-- dashboard_metrics: one row per schedule with the HealthDashboard figures.
CREATE OR REPLACE VIEW dashboard_metrics AS
WITH models AS (
    SELECT schedule_name, count(*) AS total_models,
        count(*) FILTER (WHERE health_status = {{HEALTHY}}) AS healthy_models,
        count(*) FILTER (WHERE health_status = {{WARNING}}) AS warning_models,
        count(*) FILTER (WHERE health_status = {{CRITICAL}}) AS critical_models,
        count(*) FILTER (WHERE health_status = {{UNKNOWN}}) AS unknown_models,
        avg(execution_time) AS avg_execution_time
    FROM node_health WHERE resource_type = 'model' GROUP BY ALL
),
tests AS (
    SELECT schedule_name, count(*) AS total_tests,
        count(*) FILTER (WHERE status IN {{FAILING_TEST_STATUSES}}) AS failed_tests,
        100.0 * count(*) FILTER (WHERE status = 'pass')
            / nullif(count(*) FILTER (WHERE status NOT IN ('not run', 'skipped')), 0) AS test_success_rate
    FROM latest_test_status GROUP BY ALL
),
sources AS (
    SELECT schedule_name, count(*) FILTER (WHERE status <> 'not checked') AS sources_checked,
        count(*) FILTER (WHERE status IN {{STALE_FRESHNESS}}) AS stale_sources
    FROM latest_source_status GROUP BY ALL
),
latest_run AS (
    SELECT schedule_name, run_id, coalesce(ended_at, started_at) AS last_updated
    FROM runs
    QUALIFY row_number() OVER (PARTITION BY schedule_name ORDER BY started_at DESC NULLS LAST, run_id DESC) = 1
)
SELECT s.schedule_name,
    coalesce(m.total_models, 0) AS total_models, coalesce(m.healthy_models, 0) AS healthy_models,
    coalesce(m.warning_models, 0) AS warning_models, coalesce(m.critical_models, 0) AS critical_models,
    coalesce(m.unknown_models, 0) AS unknown_models, m.avg_execution_time,
    t.test_success_rate, coalesce(t.total_tests, 0) AS total_tests, coalesce(t.failed_tests, 0) AS failed_tests,
    coalesce(so.sources_checked, 0) AS sources_checked, coalesce(so.stale_sources, 0) AS stale_sources,
    r.last_updated, r.run_id
FROM schedules s
LEFT JOIN models m USING (schedule_name)
LEFT JOIN tests t USING (schedule_name)
LEFT JOIN sources so USING (schedule_name)
LEFT JOIN latest_run r USING (schedule_name);

-- Node records by type with their latest execution and health (seeds, snapshots, exposures),
-- and tests with their latest result.
CREATE OR REPLACE VIEW dbt_seed_data AS
SELECT h.* EXCLUDE (source_name), coalesce(h.execute_completed_at, h.status_run_started_at) AS executed_at,
    d.* EXCLUDE (schedule_name, unique_id)
FROM node_health h JOIN latest_node_details d USING (schedule_name, unique_id)
WHERE h.resource_type = 'seed';

CREATE OR REPLACE VIEW dbt_snapshot_data AS
SELECT h.* EXCLUDE (source_name), coalesce(h.execute_completed_at, h.status_run_started_at) AS executed_at,
    d.* EXCLUDE (schedule_name, unique_id)
FROM node_health h JOIN latest_node_details d USING (schedule_name, unique_id)
WHERE h.resource_type = 'snapshot';

CREATE OR REPLACE VIEW dbt_exposure_data AS
SELECT h.* EXCLUDE (source_name, materialized), n.exposure_type, n.exposure_label, n.exposure_url, n.maturity,
    d.* EXCLUDE (schedule_name, unique_id)
FROM node_health h
JOIN latest_nodes n USING (schedule_name, unique_id)
JOIN latest_node_details d USING (schedule_name, unique_id)
WHERE h.resource_type = 'exposure';

CREATE OR REPLACE VIEW dbt_test_data AS
SELECT t.schedule_name, t.unique_id, n.name, t.test_name, t.test_type, t.tested_node, t.column_name, t.severity,
    r.status, r.failures, r.execution_time, coalesce(r.execute_completed_at, r.execute_started_at) AS executed_at,
    CASE WHEN r.status NOT IN {{OK_STATUSES}} THEN r.message END AS error_message,
    r.run_id, l.depends_on AS depends_on_nodes, n.tags, n.meta, n.description, n.package_name,
    n.original_file_path, n.compiled_code AS compiled_sql, n.raw_code AS raw_sql
FROM latest_test_metadata t
JOIN latest_nodes n USING (schedule_name, unique_id)
JOIN node_links l ON l.schedule_name = n.schedule_name AND l.run_id = n.run_id AND l.unique_id = n.unique_id
LEFT JOIN latest_node_results r ON r.schedule_name = t.schedule_name AND r.unique_id = t.unique_id;
