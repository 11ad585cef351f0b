// Package pgdb is schemagate's PostgreSQL access: a throwaway embedded
// cluster (for verify without --database-url), scratch databases on a
// given server, connection handling that never prints a password,
// reading migration tools' history tables and pg_stat_statements.
//
// Everything that only reads (history tables, pg_stat_statements) runs in
// a READ ONLY transaction; the only things ever written are the scratch
// databases this package creates and drops itself.
package pgdb
