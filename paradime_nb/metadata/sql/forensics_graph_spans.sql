-- Each node result of the run as a span in epoch seconds, its node as an index (numbered as
-- in forensics_graph_nodes) and its thread as a number (-1: none recorded); what the critical
-- path and the replay read (forensics_results adds what the timeline shows).
WITH ids AS (
    SELECT unique_id FROM manifest_nodes WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT parent_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT child_id FROM node_edges WHERE schedule_name = $schedule_name AND run_id = $run_id
    UNION SELECT unique_id FROM node_results WHERE schedule_name = $schedule_name AND run_id = $run_id
), numbered AS (
    SELECT unique_id, row_number() OVER (ORDER BY unique_id) - 1 AS idx FROM ids
)
SELECT r.command_index, n.idx AS node, r.status, nullif(r.thread_id, '') AS thread_id,
    CASE WHEN nullif(r.thread_id, '') IS NULL THEN -1
         ELSE dense_rank() OVER (ORDER BY nullif(r.thread_id, '')) END AS thread,
    coalesce(epoch_us(coalesce(r.compile_started_at, r.execute_started_at)) / 1e6, 'NaN'::DOUBLE) AS start_s,
    coalesce(epoch_us(coalesce(r.execute_completed_at, r.compile_completed_at)) / 1e6, 'NaN'::DOUBLE) AS end_s
FROM node_results r
JOIN numbered n ON n.unique_id = r.unique_id
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id
ORDER BY r.command_index, start_s NULLS LAST, r.result_index
