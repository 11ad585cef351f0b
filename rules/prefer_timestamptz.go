package rules

// PreferTimestamptz flags timestamp without time zone.
var PreferTimestamptz = &Rule{
	Name:     "prefer-timestamptz",
	Severity: Hint,
	Category: Style,
	Summary:  "timestamp without time zone: prefer timestamptz",
	Doc:      `timestamp without time zone stores wall-clock time with no zone, so the same instant reads differently on servers and clients in different zones and DST changes create duplicates and gaps. timestamptz stores an instant (in UTC) and converts on output.`,
	Bad:      "ALTER TABLE events ADD COLUMN happened_at timestamp;",
	Good:     "ALTER TABLE events ADD COLUMN happened_at timestamptz;",
	Steps:    []string{"Use timestamptz (timestamp with time zone)."},
	Run: func(p *Pass) {
		for _, c := range columnsOf(p) {
			if c.col.Type.Name == "timestamp without time zone" {
				p.Reportf(c.span(), "use timestamptz", "column %s is timestamp without time zone; prefer timestamptz", quoteIdent(c.col.Name))
			}
		}
	},
}
