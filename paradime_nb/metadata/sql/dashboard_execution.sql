-- The mean of the models' latest execution times (the SDK's avg_execution_time).
SELECT avg(execution_time) AS avg_execution_time
FROM paradime_cache.models_with_tests
WHERE schedule_name = $schedule_name
