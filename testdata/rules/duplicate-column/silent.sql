-- Quoted names keep their case; a select may repeat a column; parts of
-- one column may be assigned apart.
INSERT INTO users ("email", "Email") VALUES ('a@x', 'b@x');
SELECT id, id FROM users;
UPDATE users SET tags[1] = 'a', tags[2] = 'b';
UPDATE users SET address.city = 'x', address.zip = 'y';
INSERT INTO users (id, name) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET name = excluded.name;
CREATE VIEW user_orders AS SELECT u.id AS user_id, o.id AS order_id FROM users u JOIN orders o ON o.user_id = u.id;
CREATE VIEW renamed (a, b) AS SELECT id, id FROM users;
CREATE VIEW everything AS SELECT *, u.id FROM users u;
CREATE VIEW unioned AS SELECT id, name FROM users UNION SELECT id, id FROM admins;
ALTER TABLE users ADD COLUMN nickname text, ADD COLUMN IF NOT EXISTS nickname text;
