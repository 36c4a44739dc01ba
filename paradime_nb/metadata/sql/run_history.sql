-- The last $last runs, newest first: commands, how their nodes ended (final status within
-- the run), tests by status, freshness by status, and what failed.
WITH recent AS (
    SELECT * FROM runs
    WHERE schedule_name = $schedule_name
    ORDER BY started_at DESC NULLS LAST, run_id DESC
    LIMIT $last
),
cmds AS (
    SELECT c.run_id,
        list(coalesce(c.dbt_command, c.command) ORDER BY c.command_index) AS commands,
        list(coalesce(c.dbt_command, c.command) ORDER BY c.command_index) FILTER (WHERE c.exit_code <> 0) AS failed_commands
    FROM commands c JOIN recent USING (schedule_name, run_id)
    GROUP BY c.run_id
),
results AS (
    SELECT r.run_id, r.unique_id, r.status, coalesce(mm.name, ln.name, r.unique_id) AS name,
        coalesce(mm.resource_type, ln.resource_type) AS resource_type
    FROM run_node_results r
    JOIN recent USING (schedule_name, run_id)
    LEFT JOIN manifest_nodes mm ON mm.schedule_name = r.schedule_name AND mm.run_id = r.run_id AND mm.unique_id = r.unique_id
    LEFT JOIN latest_nodes ln ON ln.schedule_name = r.schedule_name AND ln.unique_id = r.unique_id
),
node_counts AS (
    SELECT run_id,
        count(*) FILTER (WHERE resource_type IN ('model', 'seed', 'snapshot') AND status IN ('success', 'no-op', 'reused'))::INTEGER AS nodes_ok,
        count(*) FILTER (WHERE resource_type IN ('model', 'seed', 'snapshot') AND status IN {{ERROR_STATUSES}})::INTEGER AS nodes_error,
        count(*) FILTER (WHERE resource_type IN ('model', 'seed', 'snapshot') AND status = 'skipped')::INTEGER AS nodes_skipped,
        count(*) FILTER (WHERE resource_type IN ('test', 'unit_test') AND status = 'pass')::INTEGER AS tests_pass,
        count(*) FILTER (WHERE resource_type IN ('test', 'unit_test') AND status = 'warn')::INTEGER AS tests_warn,
        count(*) FILTER (WHERE resource_type IN ('test', 'unit_test') AND status IN {{FAILING_TEST_STATUSES}})::INTEGER AS tests_fail,
        coalesce(list(name ORDER BY name) FILTER (WHERE resource_type IN ('model', 'seed', 'snapshot') AND status IN {{ERROR_STATUSES}}), []) AS errored_nodes,
        coalesce(list(name ORDER BY name) FILTER (WHERE resource_type IN ('test', 'unit_test') AND status IN {{FAILING_TEST_STATUSES}}), []) AS failed_tests
    FROM results
    GROUP BY run_id
),
recovered AS (
    -- errored in one command of the run, fine at its end (dbt retry)
    SELECT x.run_id, list(DISTINCT f.name ORDER BY f.name) AS recovered_nodes
    FROM node_results x
    JOIN results f ON f.run_id = x.run_id AND f.unique_id = x.unique_id
    WHERE x.schedule_name = $schedule_name AND x.status IN ('error', 'runtime error') AND f.status NOT IN ('error', 'runtime error')
    GROUP BY x.run_id
),
fresh AS (
    SELECT f.run_id,
        count(*) FILTER (WHERE f.status = 'pass')::INTEGER AS sources_pass,
        count(*) FILTER (WHERE f.status = 'warn')::INTEGER AS sources_warn,
        count(*) FILTER (WHERE f.status IN ('error', 'runtime error'))::INTEGER AS sources_error,
        coalesce(list(f.source_name || '.' || f.table_name ORDER BY f.source_name, f.table_name)
                 FILTER (WHERE f.status <> 'pass'), []) AS stale_sources
    FROM (
        SELECT * FROM freshness_results
        WHERE schedule_name = $schedule_name
        QUALIFY row_number() OVER (PARTITION BY run_id, unique_id ORDER BY command_index DESC) = 1
    ) f
    JOIN recent USING (schedule_name, run_id)
    GROUP BY f.run_id
)
SELECT r.run_id, r.state, r.started_at, r.duration_seconds,
    coalesce(c.commands, []) AS commands, coalesce(c.failed_commands, []) AS failed_commands,
    coalesce(n.nodes_ok, 0) AS nodes_ok, coalesce(n.nodes_error, 0) AS nodes_error, coalesce(n.nodes_skipped, 0) AS nodes_skipped,
    coalesce(n.tests_pass, 0) AS tests_pass, coalesce(n.tests_warn, 0) AS tests_warn, coalesce(n.tests_fail, 0) AS tests_fail,
    coalesce(f.sources_pass, 0) AS sources_pass, coalesce(f.sources_warn, 0) AS sources_warn, coalesce(f.sources_error, 0) AS sources_error,
    coalesce(n.errored_nodes, []) AS errored_nodes, coalesce(rc.recovered_nodes, []) AS recovered_nodes,
    coalesce(n.failed_tests, []) AS failed_tests, coalesce(f.stale_sources, []) AS stale_sources,
    r.description
FROM recent r
LEFT JOIN cmds c USING (run_id)
LEFT JOIN node_counts n USING (run_id)
LEFT JOIN recovered rc USING (run_id)
LEFT JOIN fresh f USING (run_id)
ORDER BY r.started_at DESC NULLS LAST, r.run_id DESC
