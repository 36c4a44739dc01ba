-- Models whose tests (latest execution) include a fail or an error, with those tests (names),
-- most failures first.
WITH failing AS (
    SELECT tt.node_id, list(coalesce(n.name, tt.test_id) ORDER BY n.name, tt.test_id) AS failing_tests
    FROM latest_test_targets tt
    JOIN latest_node_results r ON r.schedule_name = tt.schedule_name AND r.unique_id = tt.test_id
    LEFT JOIN latest_nodes n ON n.schedule_name = tt.schedule_name AND n.unique_id = tt.test_id
    WHERE tt.schedule_name = $schedule_name AND r.status IN {{FAILING_TEST_STATUSES}}
    GROUP BY tt.node_id
)
SELECT h.unique_id, f.failing_tests
FROM paradime_cache.models_with_tests h
JOIN failing f ON f.node_id = h.unique_id
WHERE h.schedule_name = $schedule_name
ORDER BY h.tests_failed + h.tests_errored DESC, h.name, h.unique_id
