package rules

// PreferTextField flags varchar(n) and char(n).
var PreferTextField = &Rule{
	Name:     "prefer-text-field",
	Severity: Hint,
	Category: Style,
	Summary:  "varchar(n) and char(n): prefer text (with a CHECK on length if needed)",
	Doc:      `In PostgreSQL, varchar(n) is text with a length check, and char(n) pads with spaces. Raising a varchar limit later is cheap, but lowering it or changing char(n) rewrites the table; a CHECK (length(col) <= n) constraint can be replaced NOT VALID without a rewrite.`,
	Bad:      "CREATE TABLE users (email varchar(255));",
	Good:     "CREATE TABLE users (email text CHECK (length(email) <= 255));",
	Steps:    []string{"Use text; enforce lengths with a CHECK constraint."},
	Run: func(p *Pass) {
		for _, c := range columnsOf(p) {
			t := c.col.Type
			if (t.Name == "character varying" || t.Name == "character") && len(t.Mods) > 0 {
				p.Reportf(c.span(), "use text, with a CHECK (length(...) <= n) constraint if the limit matters", "column %s is %s; prefer text", quoteIdent(c.col.Name), t)
			}
		}
	},
}
