-- The node's final result in each of its last $last runs, newest first, with the results
-- in that run of the tests aimed at it (read from that run's manifest, or the latest one
-- when the run left none).
WITH hist AS (
    SELECT r.run_id, r.run_started_at, r.run_state, r.dbt_command, r.status, r.execution_time,
        r.execute_started_at, r.execute_completed_at, r.rows_affected, r.message
    FROM run_node_results r
    WHERE r.schedule_name = $schedule_name AND r.unique_id = $unique_id
    ORDER BY r.run_started_at DESC NULLS LAST, r.run_id DESC
    LIMIT $last
),
manifest_of AS (
    SELECT h.run_id,
        CASE WHEN ru.node_count > 0 THEN h.run_id
             ELSE (SELECT run_id FROM latest_manifest_runs WHERE schedule_name = $schedule_name) END AS manifest_run
    FROM hist h JOIN runs ru ON ru.schedule_name = $schedule_name AND ru.run_id = h.run_id
),
aimed AS (
    SELECT t.run_id AS manifest_run, t.unique_id AS test_id
    FROM test_metadata t
    WHERE t.schedule_name = $schedule_name AND t.tested_node = $unique_id
    UNION
    SELECT e.run_id, e.child_id
    FROM node_edges e
    JOIN test_metadata t ON t.schedule_name = e.schedule_name AND t.run_id = e.run_id AND t.unique_id = e.child_id
    WHERE e.schedule_name = $schedule_name AND e.parent_id = $unique_id AND t.tested_node IS NULL
),
tests AS (
    SELECT m.run_id,
        list({'unique_id': a.test_id, 'name': coalesce(n.name, a.test_id), 'status': tr.status, 'failures': tr.failures}
             ORDER BY n.name, a.test_id) AS tests
    FROM manifest_of m
    JOIN aimed a ON a.manifest_run = m.manifest_run
    JOIN run_node_results tr ON tr.schedule_name = $schedule_name AND tr.run_id = m.run_id AND tr.unique_id = a.test_id
    LEFT JOIN manifest_nodes n ON n.schedule_name = $schedule_name AND n.run_id = m.manifest_run AND n.unique_id = a.test_id
    GROUP BY m.run_id
)
SELECT h.*, coalesce(t.tests, []) AS tests
FROM hist h LEFT JOIN tests t USING (run_id)
ORDER BY h.run_started_at DESC NULLS LAST, h.run_id DESC
