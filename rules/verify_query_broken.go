package rules

// VerifyQueryBroken is reported by verify when a query of the running
// release no longer prepares after the pending migrations. It has no Run.
var VerifyQueryBroken = &Rule{
	Name:     "verify-query-broken",
	Severity: Error,
	Category: Compatibility,
	Summary:  "a query of the running release prepares on the previous schema and fails after the pending migrations",
	Doc: `verify prepared every SQL text of the previous release (query files, SQL in code, runtime statements from pg_stat_statements, and the SELECT of every column an ORM model loads) on the previous schema and again after the pending migrations, with the parameter types it had before. This one worked before and fails after, with PostgreSQL's error; or it still prepares but no longer returns a column the code reads. While the previous release is still serving traffic (during the deploy, or after a rollback) every execution of it fails.

Static analysis cannot see everything a query depends on (a view over the column, a function, dynamic SQL); PREPARE asks the server itself.`,
	Bad:  "ALTER TABLE users DROP COLUMN legacy_score; -- SELECT legacy_score FROM users still runs in the deployed release",
	Good: "-- release 1: stop reading legacy_score (or add it to ignored_columns)\n-- release 2: ALTER TABLE users DROP COLUMN legacy_score;",
	Steps: []string{
		"Deploy code that no longer uses the column (or table, or type) first.",
		"Wait until no release that uses it can run.",
		"Drop or change it in a later release.",
	},
}
