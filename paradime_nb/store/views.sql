-- Views over the stored runs. "Latest" always means per schedule, ordered by the run's
-- start time then run id. The analyses in paradime_nb.metadata build on these names, and
-- so can %%sql cells.

-- Node tables by resource type (every stored run's manifest).
CREATE OR REPLACE VIEW dbt_models AS SELECT * FROM manifest_nodes WHERE resource_type = 'model';
CREATE OR REPLACE VIEW dbt_seeds AS SELECT * FROM manifest_nodes WHERE resource_type = 'seed';
CREATE OR REPLACE VIEW dbt_snapshots AS SELECT * FROM manifest_nodes WHERE resource_type = 'snapshot';
CREATE OR REPLACE VIEW dbt_sources AS SELECT * FROM manifest_nodes WHERE resource_type = 'source';
CREATE OR REPLACE VIEW dbt_exposures AS SELECT * FROM manifest_nodes WHERE resource_type = 'exposure';
CREATE OR REPLACE VIEW dbt_tests AS
SELECT m.*, t.* EXCLUDE (schedule_name, run_id, unique_id)
FROM manifest_nodes m
JOIN test_metadata t USING (schedule_name, run_id, unique_id);

-- The run whose manifest describes each schedule now: the latest run that left one.
CREATE OR REPLACE VIEW latest_manifest_runs AS
SELECT schedule_name, run_id, started_at, manifest_id, catalog_columns_id
FROM runs
WHERE node_count > 0
QUALIFY row_number() OVER (PARTITION BY schedule_name ORDER BY started_at DESC NULLS LAST, run_id DESC) = 1;

-- Read from the latest run's manifest version directly (not through the per-run views,
-- which would pair every run with its version first).
CREATE OR REPLACE VIEW latest_nodes AS
SELECT l.schedule_name, l.run_id, n.* EXCLUDE (manifest_id)
FROM latest_manifest_runs l JOIN manifest_node_versions n ON n.manifest_id = l.manifest_id;

CREATE OR REPLACE VIEW latest_edges AS
SELECT l.schedule_name, l.run_id, e.* EXCLUDE (manifest_id)
FROM latest_manifest_runs l JOIN manifest_edge_versions e ON e.manifest_id = l.manifest_id;

CREATE OR REPLACE VIEW latest_test_metadata AS
SELECT l.schedule_name, l.run_id, t.* EXCLUDE (manifest_id)
FROM latest_manifest_runs l JOIN manifest_test_versions t ON t.manifest_id = l.manifest_id;

-- A node's status within one run: its result in the last command that executed it (a
-- model that errors in `dbt run` and succeeds in `dbt retry` is a success).
CREATE OR REPLACE VIEW run_node_results AS
SELECT r.*, ru.started_at AS run_started_at, ru.state AS run_state
FROM node_results r
JOIN runs ru USING (schedule_name, run_id)
QUALIFY row_number() OVER (
    PARTITION BY r.schedule_name, r.run_id, r.unique_id
    ORDER BY r.command_index DESC, r.result_index DESC) = 1;

-- Each node's latest execution over the loaded runs (run id and time tell how stale): per
-- schedule and node, the result of the latest run (by start time, then run id) that has
-- one, its last command's. Kept by the load (node_results_latest), not ranked per query.
CREATE OR REPLACE VIEW latest_node_results AS
SELECT * FROM node_results_latest;

-- Each source's latest freshness check over the loaded runs (freshness_results_latest).
CREATE OR REPLACE VIEW latest_source_freshness AS
SELECT * FROM freshness_results_latest;

-- Which node each test of the latest manifest tests: its attached node, or for a singular
-- test without one, every node it reads.
CREATE OR REPLACE VIEW latest_test_targets AS
SELECT t.schedule_name, t.unique_id AS test_id, t.tested_node AS node_id
FROM latest_test_metadata t
WHERE t.tested_node IS NOT NULL
UNION ALL
SELECT t.schedule_name, t.unique_id AS test_id, e.parent_id AS node_id
FROM latest_test_metadata t
JOIN latest_edges e ON e.schedule_name = t.schedule_name AND e.child_id = t.unique_id
WHERE t.tested_node IS NULL;

-- Health of every node of the latest manifest but tests (and hooks). The rules, also in
-- the README and in MetadataClient.get_model_health:
-- Models, seeds, snapshots (their own part):
--   critical: it errored (error, runtime error, fail), or one of its tests failed or
--             errored with severity error (a failing warn-severity test is a warning);
--   warning:  a test warned (direct test evidence wins over "never executed", for
--             warnings as for failures); it was skipped or partially succeeded, or its
--             status is one we do not recognise;
--   unknown:  never executed in the loaded runs and no test of it failed or warned;
--   healthy:  success, no-op, reused (pass for nodes that report it).
-- Sources (their own part): critical when past error_after or an error-severity test
--   failed; warning when past warn_after, the freshness check hit a runtime error, or a
--   test warned; unknown when never checked and no test of it ran; else healthy.
-- Then from upstream, at any distance: an upstream source past error_after makes a node
--   critical; an upstream critical model/seed/snapshot (or a source whose error-severity
--   test failed) or a source past warn_after (or whose check errored) makes it a warning.
--   Unknown stays unknown: a node never run has no health to degrade.
-- Exposures, analyses, metrics, semantic models, saved queries: the worst health of the
--   nearest models/seeds/snapshots/sources they depend on (critical > warning > unknown >
--   healthy), and at least a warning when their own result says skipped.
-- Ephemeral models are never executed (dbt inlines them): they have no status of their own
-- (a fail-fast "skipped" row is ignored) and their health comes from tests and upstream.
-- `status` is the latest execution status (for a source: its latest freshness status).
CREATE OR REPLACE VIEW node_health AS
WITH RECURSIVE
edges AS MATERIALIZED (
    SELECT schedule_name, parent_id, child_id FROM latest_edges
),
-- Problems travel along model edges only: tests are leaves and take no health here.
graph_edges AS MATERIALIZED (
    SELECT e.schedule_name, e.parent_id, e.child_id
    FROM edges e
    JOIN latest_nodes c ON c.schedule_name = e.schedule_name AND c.unique_id = e.child_id
    WHERE c.resource_type NOT IN ('test', 'unit_test')
),
nodes AS (
    SELECT schedule_name, unique_id, resource_type, name, version, package_name, materialized, source_name,
        CASE WHEN resource_type = 'source' THEN 'source'
             WHEN resource_type IN ('exposure', 'analysis', 'metric', 'semantic_model', 'saved_query') THEN 'downstream'
             ELSE 'executed' END AS node_class,
        CASE WHEN materialized IS DISTINCT FROM 'ephemeral' AND resource_type <> 'source' THEN unique_id END AS executed_id
    FROM latest_nodes
    WHERE resource_type NOT IN ('test', 'unit_test', 'operation')
),
tests AS (
    SELECT tt.schedule_name, tt.node_id, tt.test_id, tm.severity, lr.status
    FROM latest_test_targets tt
    JOIN latest_test_metadata tm ON tm.schedule_name = tt.schedule_name AND tm.unique_id = tt.test_id
    LEFT JOIN latest_node_results lr ON lr.schedule_name = tt.schedule_name AND lr.unique_id = tt.test_id
),
test_counts AS (
    SELECT schedule_name, node_id,
        count(*) AS tests_total,
        count(*) FILTER (WHERE status = 'pass') AS tests_passed,
        count(*) FILTER (WHERE status = 'fail') AS tests_failed,
        count(*) FILTER (WHERE status = 'warn') AS tests_warned,
        count(*) FILTER (WHERE status IN ('error', 'runtime error')) AS tests_errored,
        count(*) FILTER (WHERE status = 'skipped') AS tests_skipped,
        count(*) FILTER (WHERE status IS NULL) AS tests_not_run,
        bool_or(status IN {{FAILING_TEST_STATUSES}} AND coalesce(severity, 'error') = 'error') AS has_critical_test,
        bool_or(status = 'warn' OR (status IN {{FAILING_TEST_STATUSES}} AND severity = 'warn')) AS has_warning_test,
        list(test_id ORDER BY test_id) FILTER (WHERE status IN {{PROBLEM_TEST_STATUSES}}) AS problem_tests
    FROM tests
    GROUP BY ALL
),
own AS (
    SELECT n.*,
        CASE WHEN n.node_class = 'source' THEN f.status ELSE lr.status END AS status,
        CASE WHEN n.node_class = 'source' THEN f.run_id ELSE lr.run_id END AS status_run_id,
        CASE WHEN n.node_class = 'source' THEN f.run_started_at ELSE lr.run_started_at END AS status_run_started_at,
        CASE WHEN n.node_class = 'source' THEN f.execution_time ELSE lr.execution_time END AS execution_time,
        CASE WHEN n.node_class = 'source' THEN f.error ELSE lr.message END AS message,
        CASE WHEN n.node_class = 'source' THEN f.execute_completed_at ELSE lr.execute_completed_at END AS execute_completed_at,
        CASE WHEN n.node_class = 'source' THEN 'source freshness' ELSE lr.dbt_command END AS dbt_command,
        coalesce(tc.tests_total, 0) AS tests_total,
        coalesce(tc.tests_passed, 0) AS tests_passed,
        coalesce(tc.tests_failed, 0) AS tests_failed,
        coalesce(tc.tests_warned, 0) AS tests_warned,
        coalesce(tc.tests_errored, 0) AS tests_errored,
        coalesce(tc.tests_skipped, 0) AS tests_skipped,
        coalesce(tc.tests_not_run, 0) AS tests_not_run,
        coalesce(tc.problem_tests, []) AS problem_tests,
        coalesce(tc.has_critical_test, FALSE) AS has_critical_test,
        CASE WHEN n.node_class = 'source' THEN CASE
                WHEN f.status = 'error' OR coalesce(tc.has_critical_test, FALSE) THEN {{CRITICAL}}
                WHEN f.status <> 'pass' OR coalesce(tc.has_warning_test, FALSE) THEN {{WARNING}}
                WHEN f.status IS NULL AND coalesce(tc.tests_total, 0) = coalesce(tc.tests_not_run, 0) THEN {{UNKNOWN}}
                ELSE {{HEALTHY}} END
            WHEN n.node_class = 'downstream' THEN CASE
                WHEN lr.status IN {{ERROR_STATUSES}} THEN {{CRITICAL}}
                WHEN lr.status IS NULL OR lr.status IN {{OK_STATUSES}} THEN NULL
                ELSE {{WARNING}} END
            ELSE CASE
                WHEN lr.status IN {{ERROR_STATUSES}} OR coalesce(tc.has_critical_test, FALSE) THEN {{CRITICAL}}
                WHEN coalesce(tc.has_warning_test, FALSE) THEN {{WARNING}}
                WHEN lr.status IS NULL AND n.executed_id IS NOT NULL THEN {{UNKNOWN}}
                WHEN lr.status IS NULL OR lr.status IN {{OK_STATUSES}} THEN {{HEALTHY}}
                ELSE {{WARNING}} END
        END AS own_health
    FROM nodes n
    LEFT JOIN latest_node_results lr ON lr.schedule_name = n.schedule_name AND lr.unique_id = n.executed_id
    LEFT JOIN latest_source_freshness f ON f.schedule_name = n.schedule_name AND f.unique_id = n.unique_id
    LEFT JOIN test_counts tc ON tc.schedule_name = n.schedule_name AND tc.node_id = n.unique_id
),
origins AS (
    SELECT schedule_name, unique_id AS origin_id, 'critical_upstream' AS kind FROM own
    WHERE (node_class = 'executed' AND own_health = {{CRITICAL}}) OR (node_class = 'source' AND has_critical_test)
    UNION ALL
    SELECT schedule_name, unique_id, CASE WHEN status = 'error' THEN 'source_error' ELSE 'source_warn' END
    FROM own
    WHERE node_class = 'source' AND status <> 'pass'
),
-- Descendants of each kind of problem: at most three rows per node, whatever the number
-- of origins (which problem reached a node is a lineage question, answered per model).
reach(schedule_name, kind, node_id) AS (
    SELECT o.schedule_name, o.kind, e.child_id
    FROM origins o JOIN graph_edges e ON e.schedule_name = o.schedule_name AND e.parent_id = o.origin_id
    UNION
    SELECT r.schedule_name, r.kind, e.child_id
    FROM reach r JOIN graph_edges e ON e.schedule_name = r.schedule_name AND e.parent_id = r.node_id
),
upstream AS (
    SELECT schedule_name, node_id,
        bool_or(kind = 'critical_upstream') AS upstream_critical,
        bool_or(kind = 'source_error') AS upstream_source_error,
        bool_or(kind = 'source_warn') AS upstream_source_warn
    FROM reach
    GROUP BY ALL
),
base AS (
    SELECT own.*,
        coalesce(u.upstream_critical, FALSE) AS upstream_critical,
        coalesce(u.upstream_source_error, FALSE) AS upstream_source_error,
        coalesce(u.upstream_source_warn, FALSE) AS upstream_source_warn,
        CASE
            WHEN own_health = {{UNKNOWN}} AND node_class = 'executed' THEN {{UNKNOWN}}
            WHEN own_health = {{CRITICAL}} OR coalesce(u.upstream_source_error, FALSE) THEN {{CRITICAL}}
            WHEN own_health = {{WARNING}} OR coalesce(u.upstream_critical, FALSE) OR coalesce(u.upstream_source_warn, FALSE) THEN {{WARNING}}
            WHEN own_health = {{UNKNOWN}} THEN {{UNKNOWN}}
            ELSE {{HEALTHY}}
        END AS base_health
    FROM own
    LEFT JOIN upstream u ON u.schedule_name = own.schedule_name AND u.node_id = own.unique_id
),
-- Exposures and other downstream-only nodes look through each other (a metric on a
-- semantic model on a model) to the nearest models, seeds, snapshots and sources.
nearest(schedule_name, node_id, parent_id) AS (
    SELECT b.schedule_name, b.unique_id, e.parent_id
    FROM base b JOIN edges e ON e.schedule_name = b.schedule_name AND e.child_id = b.unique_id
    WHERE b.node_class = 'downstream'
    UNION
    SELECT n.schedule_name, n.node_id, e.parent_id
    FROM nearest n
    JOIN base p ON p.schedule_name = n.schedule_name AND p.unique_id = n.parent_id AND p.node_class = 'downstream'
    JOIN edges e ON e.schedule_name = n.schedule_name AND e.child_id = n.parent_id
),
inherited AS (
    SELECT n.schedule_name, n.node_id,
        max(CASE p.base_health WHEN {{CRITICAL}} THEN 3 WHEN {{WARNING}} THEN 2 WHEN {{UNKNOWN}} THEN 1 ELSE 0 END) AS worst
    FROM nearest n
    JOIN base p ON p.schedule_name = n.schedule_name AND p.unique_id = n.parent_id AND p.node_class <> 'downstream'
    GROUP BY ALL
)
SELECT b.* EXCLUDE (executed_id, node_class, has_critical_test, base_health),
    CASE WHEN b.node_class <> 'downstream' THEN b.base_health
        ELSE CASE greatest(coalesce(i.worst, 1),
                           CASE b.own_health WHEN {{CRITICAL}} THEN 3 WHEN {{WARNING}} THEN 2 ELSE 0 END)
            WHEN 3 THEN {{CRITICAL}} WHEN 2 THEN {{WARNING}} WHEN 1 THEN {{UNKNOWN}} ELSE {{HEALTHY}} END
    END AS health_status
FROM base b
LEFT JOIN inherited i ON i.schedule_name = b.schedule_name AND i.node_id = b.unique_id;

-- models_with_tests (node_health's models with the SDK's columns) is in sdk_views.sql.

-- Columns the latest manifest declares (YAML: descriptions, declared types).
CREATE OR REPLACE VIEW latest_manifest_columns AS
SELECT l.schedule_name, l.run_id, c.* EXCLUDE (manifest_id)
FROM latest_manifest_runs l JOIN manifest_column_versions c ON c.manifest_id = l.manifest_id;
