ALTER TABLE events CLUSTER ON events_created_at_idx;
