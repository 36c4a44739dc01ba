-- Models of the latest run that executed any model, slowest first (skipped ones left out).
-- Names and materialization from that run's manifest, else from the latest one.
-- That run is no older than the newest non-skipped model result among each node's latest
-- results (node_results_latest): only runs since then are read, not the whole history.
WITH bound AS (
    SELECT max(run_started_at) AS since
    FROM node_results_latest
    WHERE schedule_name = $schedule_name AND unique_id LIKE 'model.%' AND status IS DISTINCT FROM 'skipped'
),
run_results AS (
    SELECT r.*, ru.started_at AS run_started_at
    FROM node_results r
    JOIN runs ru USING (schedule_name, run_id)
    WHERE r.schedule_name = $schedule_name
      AND (ru.started_at >= (SELECT since FROM bound) OR (SELECT since FROM bound) IS NULL)
    QUALIFY row_number() OVER (
        PARTITION BY r.run_id, r.unique_id ORDER BY r.command_index DESC, r.result_index DESC) = 1
),
model_results AS (
    SELECT r.unique_id, r.run_id, r.run_started_at, r.status, r.execution_time,
        coalesce(mm.name, ln.name) AS name, coalesce(mm.materialized, ln.materialized) AS materialized
    FROM run_results r
    LEFT JOIN manifest_nodes mm ON mm.schedule_name = r.schedule_name AND mm.run_id = r.run_id AND mm.unique_id = r.unique_id
    LEFT JOIN latest_nodes ln ON ln.schedule_name = r.schedule_name AND ln.unique_id = r.unique_id
    WHERE coalesce(mm.resource_type, ln.resource_type) = 'model'
      AND r.status IS DISTINCT FROM 'skipped'
),
last_run AS (
    SELECT run_id FROM model_results ORDER BY run_started_at DESC NULLS LAST, run_id DESC LIMIT 1
)
SELECT unique_id, coalesce(name, unique_id) AS name, materialized, status, execution_time, run_id, run_started_at
FROM model_results JOIN last_run USING (run_id)
ORDER BY execution_time DESC NULLS LAST, name, unique_id
LIMIT $limit
