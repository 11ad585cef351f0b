package rules

// StatementTooComplex is reported by the engine for a statement nested too
// deeply to parse safely, before it reaches PostgreSQL's parser. It has
// no Run.
var StatementTooComplex = &Rule{
	Name:     "statement-too-complex",
	Severity: Error,
	Category: Correctness,
	Summary:  "a statement nests too deeply to be parsed (thousands of chained operators or nested subqueries)",
	Doc: `PostgreSQL's parser builds one tree level per chained operator, parenthesis, CASE or subquery, and recurses once per level. ` +
		`Past a few thousand levels it runs out of stack: PostgreSQL itself refuses such a statement ("stack depth limit exceeded" with its default max_stack_depth of 2MB, or "memory exhausted" from its grammar), ` +
		`and the parser schemagate embeds would crash. So schemagate measures every statement first and does not parse one deeper than 4,000 levels; the rest of the file is still checked. ` +
		`Such statements are almost always generated: build the expression from a table or an array instead, or split it over several statements.`,
	Bad:   "SELECT 1 + 1 + 1 + ... -- 25,000 terms",
	Good:  "SELECT sum(x) FROM unnest(ARRAY[1, 1, 1, ...]) AS t(x);",
	Steps: []string{"Replace the long chain by an aggregate over an array or a VALUES list, or split the statement."},
}
