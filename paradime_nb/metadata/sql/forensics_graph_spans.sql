-- Each node result of the run as a span in epoch seconds (NaN: no timing), its node as an
-- index (forensics_graph_ids) and its thread as a number (-1: none recorded); what the
-- critical path and the replay read (forensics_results adds what the timeline shows).
SELECT r.command_index, n.idx AS node, r.status, nullif(r.thread_id, '') AS thread_id,
    CASE WHEN nullif(r.thread_id, '') IS NULL THEN -1
         ELSE dense_rank() OVER (ORDER BY nullif(r.thread_id, '')) END AS thread,
    coalesce(epoch_us(coalesce(r.compile_started_at, r.execute_started_at)) / 1e6, 'NaN'::DOUBLE) AS start_s,
    coalesce(epoch_us(coalesce(r.execute_completed_at, r.compile_completed_at)) / 1e6, 'NaN'::DOUBLE) AS end_s
FROM node_results r
JOIN forensics_graph_ids n ON n.unique_id = r.unique_id
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id
ORDER BY r.command_index, start_s, r.result_index
