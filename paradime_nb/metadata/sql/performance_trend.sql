-- One row per UTC day: the $days days ending on the latest run's day ($until). Per day the
-- runs started that day, the model executions they hold (a model's final result in its run),
-- their node time and mean, and the share of them that succeeded (percent).
WITH days AS (
    SELECT unnest(generate_series(CAST($until AS DATE) - (CAST($days AS INTEGER) - 1), CAST($until AS DATE),
                                  INTERVAL 1 DAY))::DATE AS day
),
day_runs AS (
    SELECT CAST(started_at AS DATE) AS day, count(*) AS runs
    FROM runs
    WHERE schedule_name = $schedule_name AND CAST(started_at AS DATE) IN (SELECT day FROM days)
    GROUP BY ALL
),
day_models AS (
    SELECT CAST(r.run_started_at AS DATE) AS day, count(*) AS models,
        sum(r.execution_time) AS node_seconds, avg(r.execution_time) AS avg_execution_time,
        100.0 * count(*) FILTER (WHERE r.status IN {{OK_STATUSES}}) / count(*) AS success_rate
    FROM run_node_results r
    JOIN manifest_nodes n ON n.schedule_name = r.schedule_name AND n.run_id = r.run_id AND n.unique_id = r.unique_id
    WHERE r.schedule_name = $schedule_name AND n.resource_type = 'model'
      AND CAST(r.run_started_at AS DATE) IN (SELECT day FROM days)
    GROUP BY ALL
)
SELECT d.day AS date, coalesce(r.runs, 0) AS runs, coalesce(m.models, 0) AS models,
    coalesce(m.node_seconds, 0) AS node_seconds, m.avg_execution_time, m.success_rate
FROM days d
LEFT JOIN day_runs r USING (day)
LEFT JOIN day_models m USING (day)
ORDER BY d.day
