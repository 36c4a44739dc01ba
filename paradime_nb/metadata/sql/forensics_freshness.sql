-- Each source's last freshness check within the run.
SELECT unique_id, source_name, table_name, status, max_loaded_at, age_seconds, error
FROM dbt_source_freshness_results
WHERE schedule_name = $schedule_name AND run_id = $run_id
QUALIFY row_number() OVER (PARTITION BY unique_id ORDER BY command_index DESC) = 1
