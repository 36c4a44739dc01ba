-- The schedule's runs that wrote a catalog (`dbt docs generate`), oldest first, with the
-- position of each: schema changes compare each with the one before.
SELECT r.run_id, r.started_at, row_number() OVER (ORDER BY r.started_at NULLS FIRST, r.run_id) AS position
FROM runs r
WHERE r.schedule_name = $schedule_name
  AND EXISTS (SELECT 1 FROM artifacts a WHERE a.schedule_name = r.schedule_name AND a.run_id = r.run_id
              AND a.kind = 'catalog')
ORDER BY position
