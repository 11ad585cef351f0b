CREATE TABLE reservations (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));
ALTER TABLE bookings ADD CONSTRAINT room_positive CHECK (room > 0) NOT VALID;
