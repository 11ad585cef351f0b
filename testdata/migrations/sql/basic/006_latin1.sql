-- Latin-1 encoded file
INSERT INTO cities (name) VALUES ('Montréal');
