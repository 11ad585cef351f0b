CREATE TABLE users (email text, name varchar, flag "char");
