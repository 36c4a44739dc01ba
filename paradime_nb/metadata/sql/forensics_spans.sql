-- Each node result of the run as a span in epoch seconds (what the critical path and the
-- replay read; forensics_results adds what the timeline shows). Names come from forensics_graph.
SELECT command_index, unique_id, status, thread_id,
    epoch_us(coalesce(compile_started_at, execute_started_at)) / 1e6 AS start_s,
    epoch_us(coalesce(execute_completed_at, compile_completed_at)) / 1e6 AS end_s
FROM dbt_run_results
WHERE schedule_name = $schedule_name AND run_id = $run_id
ORDER BY command_index, start_s NULLS LAST, result_index
