package rules

// VerifyRewrite is reported by verify when the server rewrote a table or
// rebuilt an index. It has no Run.
var VerifyRewrite = &Rule{
	Name:     "verify-rewrite",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "PostgreSQL rewrote a table or rebuilt an index while running the statement",
	Doc:      `verify compared pg_class.relfilenode of every existing table and index before and after the statement: a new file means PostgreSQL copied the whole relation. On the empty scratch schema that is instant; in production it takes as long as writing the table again, all the while holding the statement's lock (ACCESS EXCLUSIVE for ALTER TABLE). Typical causes: a column type change that is not binary compatible, a volatile default, SET LOGGED, VACUUM FULL, CLUSTER.`,
	Bad:      "ALTER TABLE events ALTER COLUMN id TYPE bigint;",
	Good:     "ALTER TABLE events ADD COLUMN id_new bigint;\n-- backfill in batches, switch over in a later release",
	Steps: []string{
		"Add a new column (or table) instead of changing the existing one in place.",
		"Backfill it in batches outside the migration.",
		"Switch reads and writes over, then drop the old one in a later release.",
	},
}
