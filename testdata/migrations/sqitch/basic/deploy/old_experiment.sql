-- Deploy flipr:old_experiment to pg
CREATE TABLE flipr.experiment (id int);
