-- paradime_nb store schema. Every row carries schedule_name and run_id: history over many
-- runs is the normal case. All timestamps are UTC (TIMESTAMP without zone).
-- Large tables have no keys or indexes: loads are bulk and analyses scan.

CREATE TABLE IF NOT EXISTS store_info (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS schedules (
    schedule_name VARCHAR PRIMARY KEY,   -- the slug
    display_name VARCHAR,
    cron VARCHAR,
    owner VARCHAR,
    commands VARCHAR[],
    git_branch VARCHAR,
    suspended BOOLEAN,
    source VARCHAR
);

CREATE TABLE IF NOT EXISTS runs (
    schedule_name VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    state VARCHAR,
    started_at TIMESTAMP,
    ended_at TIMESTAMP,
    duration_seconds DOUBLE,
    actor VARCHAR,
    actor_email VARCHAR,
    git_branch VARCHAR,
    git_commit VARCHAR,
    pull_request_id VARCHAR,
    parent_run_id BIGINT,
    description VARCHAR,
    notes VARCHAR[],
    dbt_version VARCHAR,
    manifest_command_index INTEGER,   -- which command's manifest the run's manifest_nodes are
    node_count INTEGER,               -- nodes in that manifest (0: the run left none)
    loaded_at TIMESTAMP,
    manifest_id VARCHAR,              -- content_versions: the manifest rows this run reads (NULL: none)
    catalog_id VARCHAR,               -- content_versions: its catalog's relations (NULL: no catalog)
    catalog_columns_id VARCHAR,       -- content_versions: its catalog's columns
    PRIMARY KEY (schedule_name, run_id)
);

CREATE TABLE IF NOT EXISTS commands (
    schedule_name VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    command_index INTEGER NOT NULL,   -- 1-based execution order
    command_id BIGINT,
    command VARCHAR,                  -- the full command line
    dbt_command VARCHAR,              -- run, test, build, seed, snapshot, source freshness, docs generate, ...
    exit_code INTEGER,                -- NULL: still running
    started_at TIMESTAMP,
    ended_at TIMESTAMP,
    duration_seconds DOUBLE,
    executes_nodes BOOLEAN,           -- its run_results count for node statuses
    result_count INTEGER,
    freshness_count INTEGER
);

CREATE TABLE IF NOT EXISTS artifacts (
    schedule_name VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    command_index INTEGER NOT NULL,
    path VARCHAR,
    kind VARCHAR,                     -- manifest, run_results, sources, catalog
    schema_version INTEGER,
    dbt_version VARCHAR,
    generated_at TIMESTAMP,
    invocation_id VARCHAR,
    which VARCHAR,                    -- run_results args.which
    invocation_command VARCHAR,
    elapsed_time DOUBLE,
    size_bytes BIGINT,
    used BOOLEAN,                     -- FALSE: read but not counted (docs generate, a repeated invocation)
    note VARCHAR
);
-- args.threads of a run_results file (NULL: the profile's, not given on the command line).
-- Added after v1 stores were written: ALTER keeps such a store readable.
ALTER TABLE artifacts ADD COLUMN IF NOT EXISTS threads INTEGER;

-- Results of node-executing commands. Read them through the view dbt_run_results (the
-- paradime-io SDK's name, with the node's manifest fields beside each result).
CREATE TABLE IF NOT EXISTS node_results (
    schedule_name VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    command_index INTEGER NOT NULL,
    dbt_command VARCHAR,
    unique_id VARCHAR NOT NULL,
    result_index INTEGER,
    status VARCHAR,
    execution_time DOUBLE,
    compile_started_at TIMESTAMP,
    compile_completed_at TIMESTAMP,
    execute_started_at TIMESTAMP,
    execute_completed_at TIMESTAMP,
    message VARCHAR,
    failures BIGINT,
    thread_id VARCHAR,
    rows_affected BIGINT,
    adapter_response JSON,
    relation_name VARCHAR,
    invocation_id VARCHAR
);

-- `dbt source freshness` results; the view dbt_source_freshness_results adds the SDK's columns.
CREATE TABLE IF NOT EXISTS freshness_results (
    schedule_name VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    command_index INTEGER NOT NULL,
    unique_id VARCHAR NOT NULL,
    source_name VARCHAR,              -- from the run's manifest
    table_name VARCHAR,
    status VARCHAR,                   -- pass, warn, error, runtime error
    max_loaded_at TIMESTAMP,
    snapshotted_at TIMESTAMP,
    age_seconds DOUBLE,
    warn_after_count BIGINT,
    warn_after_period VARCHAR,
    warn_after_seconds BIGINT,
    error_after_count BIGINT,
    error_after_period VARCHAR,
    error_after_seconds BIGINT,
    freshness_filter VARCHAR,
    error VARCHAR,
    execution_time DOUBLE,
    execute_started_at TIMESTAMP,
    execute_completed_at TIMESTAMP,
    invocation_id VARCHAR
);

-- Manifest and catalog rows are stored once per content (a manifest changes only on a
-- deployment): a run points at a version by content hash (runs.manifest_id, catalog_id,
-- catalog_columns_id), and the views manifest_nodes, node_edges, test_metadata,
-- manifest_columns, catalog_nodes, catalog_columns (versions.sql) give every run its rows
-- as when each run stored its own copy (schema v2).
CREATE TABLE IF NOT EXISTS content_versions (
    version_id VARCHAR PRIMARY KEY,   -- kind prefix + content hash of the rows read from the file
    kind VARCHAR NOT NULL,            -- manifest, catalog, catalog_columns
    row_count BIGINT,
    first_schedule_name VARCHAR,
    first_run_id BIGINT               -- the run that stored it
);

-- A manifest version's nodes: models, seeds, snapshots, tests, unit tests, sources,
-- exposures (and analyses, metrics, semantic models, saved queries, functions). The view
-- model_metadata adds depends_on, parents and children from node_edges.
CREATE TABLE IF NOT EXISTS manifest_node_versions (
    manifest_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    resource_type VARCHAR,
    name VARCHAR,
    package_name VARCHAR,
    version VARCHAR,
    latest_version VARCHAR,
    is_latest_version BOOLEAN,
    materialized VARCHAR,
    database_name VARCHAR,
    schema_name VARCHAR,
    alias VARCHAR,
    relation_name VARCHAR,
    tags VARCHAR[],
    meta JSON,
    owner VARCHAR,
    description VARCHAR,
    original_file_path VARCHAR,
    path VARCHAR,
    access VARCHAR,
    group_name VARCHAR,
    language VARCHAR,
    enabled BOOLEAN,
    fqn VARCHAR[],
    source_name VARCHAR,
    identifier VARCHAR,
    loader VARCHAR,
    loaded_at_field VARCHAR,
    warn_after_count BIGINT,
    warn_after_period VARCHAR,
    warn_after_seconds BIGINT,
    error_after_count BIGINT,
    error_after_period VARCHAR,
    error_after_seconds BIGINT,
    freshness_filter VARCHAR,
    exposure_type VARCHAR,
    exposure_label VARCHAR,
    exposure_url VARCHAR,
    maturity VARCHAR,
    checksum VARCHAR,
    raw_code VARCHAR,                 -- models, seeds, snapshots, ... (not tests)
    compiled_code VARCHAR,
    contract_enforced BOOLEAN,        -- NULL: no contract in the manifest (< v9)
    deprecation_date TIMESTAMP,       -- model versions (>= v10)
    group_owner VARCHAR               -- owner of the node's group (>= v9)
);

-- depends_on edges of a manifest version: parent -> child, sources and exposures included.
CREATE TABLE IF NOT EXISTS manifest_edge_versions (
    manifest_id VARCHAR NOT NULL,
    parent_id VARCHAR NOT NULL,
    child_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS manifest_test_versions (
    manifest_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    test_type VARCHAR,                -- generic, singular, unit
    test_name VARCHAR,                -- generic test macro (unique, not_null, ...)
    test_namespace VARCHAR,
    tested_node VARCHAR,              -- attached node; NULL for a singular test over several
    column_name VARCHAR,
    severity VARCHAR,                 -- error, warn
    warn_if VARCHAR,
    error_if VARCHAR,
    store_failures BOOLEAN,
    test_kwargs JSON
);

-- A catalog's relations with their stats (catalog_id) and, hashed apart so changing row
-- counts do not copy them, its columns (catalog_columns_id).
CREATE TABLE IF NOT EXISTS catalog_node_versions (
    catalog_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    table_type VARCHAR,
    table_owner VARCHAR,
    table_comment VARCHAR,
    column_count INTEGER,
    row_count BIGINT,
    bytes BIGINT,
    database_name VARCHAR,            -- the relation as the warehouse names it
    schema_name VARCHAR,
    table_name VARCHAR
);

CREATE TABLE IF NOT EXISTS catalog_column_versions (
    catalog_columns_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    column_name VARCHAR,
    column_index INTEGER,
    data_type VARCHAR,
    column_comment VARCHAR
);

-- --- column lineage (issue 16) ---------------------------------------------------------
-- The adapter a manifest was compiled for (metadata.adapter_type): the SQL dialect.
ALTER TABLE artifacts ADD COLUMN IF NOT EXISTS adapter_type VARCHAR;

-- Columns declared in a manifest version (the YAML): descriptions and declared types.
CREATE TABLE IF NOT EXISTS manifest_column_versions (
    manifest_id VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    column_name VARCHAR,
    column_index INTEGER,
    description VARCHAR,
    data_type VARCHAR
);

-- Column lineage is derived once per distinct input: lineage_key identifies the manifest's
-- compiled code, relations and their columns (paradime_nb.columns.ManifestSQL.key), so runs
-- whose manifests read the same share one derivation.
CREATE TABLE IF NOT EXISTS column_lineage_runs (
    schedule_name VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    lineage_key VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS column_lineage_manifests (
    lineage_key VARCHAR PRIMARY KEY,
    adapter_type VARCHAR,
    dialect VARCHAR,
    sqlglot_version VARCHAR,
    derivation_version VARCHAR,
    node_count INTEGER,
    edge_count INTEGER,
    derived_at TIMESTAMP,
    seconds DOUBLE
);

-- source column -> target column; target_column NULL: a join key, filter or grouping of
-- the target node that feeds none of its columns (kind 'filter').
CREATE TABLE IF NOT EXISTS column_lineage_edges (
    lineage_key VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    source_column VARCHAR NOT NULL,
    target_id VARCHAR NOT NULL,
    target_column VARCHAR,
    kind VARCHAR NOT NULL           -- passthrough, renamed, transformed, aggregated, filter
);

-- Per model / snapshot: ok, partial (some columns or relations unresolved) or unparsed.
CREATE TABLE IF NOT EXISTS column_lineage_status (
    lineage_key VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    dialect VARCHAR,
    columns VARCHAR[]               -- the node's output columns, as its SQL selects them
);

-- --- latest results (store schema v3) --------------------------------------------------
-- Each node's latest result and each source's latest freshness check per schedule, kept
-- in the load's transaction (a run's rows against the current ones; deleting or replacing
-- runs recomputes the schedule), so "latest" costs the same on a year of history as on
-- one run. The views latest_node_results and latest_source_freshness read them.
CREATE TABLE IF NOT EXISTS node_results_latest AS
SELECT *, NULL::TIMESTAMP AS run_started_at, NULL::VARCHAR AS run_state FROM node_results WHERE FALSE;
CREATE TABLE IF NOT EXISTS freshness_results_latest AS
SELECT *, NULL::TIMESTAMP AS run_started_at FROM freshness_results WHERE FALSE;
