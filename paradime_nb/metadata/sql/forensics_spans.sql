-- Each node result of the run as a span in epoch seconds (what the critical path and the
-- replay read; forensics_results adds what the timeline shows).
SELECT r.command_index, r.unique_id, m.name, m.resource_type, r.status, r.thread_id,
    epoch_us(coalesce(r.compile_started_at, r.execute_started_at)) / 1e6 AS start_s,
    epoch_us(coalesce(r.execute_completed_at, r.compile_completed_at)) / 1e6 AS end_s
FROM dbt_run_results r
LEFT JOIN model_metadata m ON m.schedule_name = r.schedule_name AND m.run_id = r.run_id AND m.unique_id = r.unique_id
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id
ORDER BY r.command_index, start_s NULLS LAST, r.result_index
