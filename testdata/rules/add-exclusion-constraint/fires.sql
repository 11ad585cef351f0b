ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&); -- want: add-exclusion-constraint "EXCLUSION constraint to bookings .* under an ACCESS EXCLUSIVE lock"
