UPDATE users SET name = initcap(name) WHERE name <> initcap(name);
