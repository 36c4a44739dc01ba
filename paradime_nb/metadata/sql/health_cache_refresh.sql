-- Replace one schedule's snapshot (in one transaction, by the caller).
DELETE FROM paradime_cache.node_health WHERE schedule_name = $schedule_name;
DELETE FROM paradime_cache.node_health_state WHERE schedule_name = $schedule_name;
INSERT INTO paradime_cache.node_health SELECT * FROM node_health WHERE schedule_name = $schedule_name;
INSERT INTO paradime_cache.node_health_state VALUES ($schedule_name, $generation);
