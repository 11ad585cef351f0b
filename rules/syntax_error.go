package rules

// SyntaxError is reported by the engine (and check, for schema dumps) for
// text PostgreSQL's or the framework's parser rejects. It has no Run.
var SyntaxError = &Rule{
	Name:     "syntax-error",
	Severity: Error,
	Category: Correctness,
	Summary:  "the migration does not parse",
	Doc:      `PostgreSQL's own parser (or the framework's language parser) rejected the statement at this position. The migration would fail when it runs; the rest of the file is still checked.`,
	Bad:      "ALTER TABLE users ADD COLUMNN email text;",
	Good:     "ALTER TABLE users ADD COLUMN email text;",
	Steps:    []string{"Fix the statement at the reported position."},
}
