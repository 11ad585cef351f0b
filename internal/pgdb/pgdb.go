// Package pgdb is schemagate's PostgreSQL access: a throwaway embedded
// cluster (the only server verify runs migrations on) and scratch
// databases in it, connection handling that never prints a password,
// and what is read from a user's server: its schema (pg_dump), migration
// tools' history tables and pg_stat_statements.
//
// A user's server is only ever read, in READ ONLY transactions of
// sessions whose transactions are read-only by default; the only things
// ever written are the clusters and scratch databases this package
// creates and removes itself.
package pgdb
