CLUSTER events USING events_created_at_idx; -- want: cluster "^CLUSTER rewrites events under an ACCESS EXCLUSIVE lock"
