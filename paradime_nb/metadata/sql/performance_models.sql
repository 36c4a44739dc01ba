-- Per model, its execution times over the runs started after $since (skipped runs out):
-- count, mean, p50, p95 (linear interpolation), max, the last one, and the median of the
-- earlier ones (the baseline the last is compared with).
WITH executions AS (
    SELECT r.unique_id, r.run_id, r.run_started_at, r.execution_time, coalesce(mm.name, ln.name) AS name
    FROM run_node_results r
    LEFT JOIN manifest_nodes mm ON mm.schedule_name = r.schedule_name AND mm.run_id = r.run_id AND mm.unique_id = r.unique_id
    LEFT JOIN latest_nodes ln ON ln.schedule_name = r.schedule_name AND ln.unique_id = r.unique_id
    WHERE r.schedule_name = $schedule_name AND r.run_started_at > $since
      AND coalesce(mm.resource_type, ln.resource_type) = 'model'
      AND r.status IS DISTINCT FROM 'skipped' AND r.execution_time IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY unique_id ORDER BY run_started_at DESC, run_id DESC) AS recency
    FROM executions
)
SELECT unique_id,
    coalesce(arg_max(name, run_started_at) FILTER (WHERE name IS NOT NULL), unique_id) AS name,
    count(*)::INTEGER AS runs,
    avg(execution_time) AS mean,
    quantile_cont(execution_time, 0.5) AS p50,
    quantile_cont(execution_time, 0.95) AS p95,
    max(execution_time) AS max,
    max(execution_time) FILTER (WHERE recency = 1) AS last,
    max(run_id) FILTER (WHERE recency = 1) AS last_run_id,
    quantile_cont(execution_time, 0.5) FILTER (WHERE recency > 1) AS baseline_median
FROM ranked
GROUP BY unique_id
ORDER BY p50 DESC NULLS LAST, name, unique_id
