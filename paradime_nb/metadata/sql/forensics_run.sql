-- One stored run of a schedule (forensics: timeline, critical path, run diff).
SELECT r.run_id, r.state, r.started_at, r.ended_at, r.duration_seconds, r.actor, r.git_branch, r.git_commit,
    r.pull_request_id, r.description, r.dbt_version, r.node_count,
    epoch_us(r.started_at) / 1e6 AS start_s, epoch_us(r.ended_at) / 1e6 AS end_s
FROM runs r
WHERE r.schedule_name = $schedule_name AND r.run_id = $run_id
