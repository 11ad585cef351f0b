package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// IncompatibleColumnType flags type changes of columns the running release
// reads or writes, unless the new type is a widening the release cannot
// tell from the old one.
var IncompatibleColumnType = &Rule{
	Name:            "incompatible-column-type",
	Severity:        Error,
	Category:        Compatibility,
	NeedsReferences: true,
	CheckOnly:       true,
	Summary:         "changing the type of a column the running release reads or writes",
	Kinds:           []ops.Kind{ops.AlterColumnType},
	KnownColumns:    true,
	Doc: `The running release was written for the old type: its reads may now get values it cannot decode (integer to text, text to jsonb), and its writes may be rejected (text to integer, a narrower varchar).

A widening is compatible with the running release, and is no finding of this rule: every value the old code writes is still accepted, and what it reads is the same value. The lock and the rewrite it may take remain change-column-type findings.

    old type                 new type                               for the running release
    varchar(n)               varchar(m), m >= n; varchar; text      compatible
    text, varchar            varchar (no limit), text               compatible
    smallint                 integer, bigint                        compatible
    integer                  bigint                                 compatible
    numeric(p,s)             numeric; numeric(q,t), t >= s and      compatible (reads show the
                             q - t >= p - s                         same value, with t decimals)
    enum                     text; varchar; varchar(n) >= longest   compatible (the ORM reads and
                             label                                  writes the labels as strings)
    timestamp(p), time(p)    the same type with a higher or no      compatible
                             precision
    varbit(n), cidr          varbit(m), m >= n; inet                compatible
    varchar(n)               varchar(m), m < n; char(n)             error: rejects longer values
    numeric(p,s)             fewer integer digits or decimals       error: rejects or rounds values
    bigint, integer          integer, smallint                      error: rejects large values
    integer                  numeric, real, text, ...               error: reads another type
    timestamp                timestamptz (or back)                  error: reads shift by the zone
    json                     jsonb                                  error: reads normalised objects
    text, varchar            integer, jsonb, an enum, ...           error: rejects free text
    char(n)                  varchar, text                          error: trailing spaces change

A USING clause other than a plain cast of the column may change every value, and makes any change an error. When the old type is unknown (the column was created outside the migrations schemagate reads), the change may be a widening: a warning.`,
	Bad:  "ALTER TABLE orders ALTER COLUMN reference TYPE integer USING reference::integer;",
	Good: "ALTER TABLE orders ADD COLUMN reference_number integer;\n-- dual-write, backfill, switch reads, drop the old column later\n-- widenings are compatible:\nALTER TABLE orders ALTER COLUMN note TYPE varchar(500); -- was varchar(100)",
	Steps: []string{
		"Add a column of the new type.",
		"Deploy code that writes both and backfill.",
		"Deploy code that reads the new column.",
		"Drop the old column in a later release.",
	},
	Op: func(p *Pass, op *ops.Op) {
		if op.Type == nil {
			return
		}
		from, known := op.Detail, false
		if p.Schema != nil {
			var old ops.Type
			if old, known = p.Schema.ColumnType(op.Table, op.Column); known {
				if plainCast(op.Using, op.Column) && widens(p.Schema, old, *op.Type) {
					return
				}
				from = "from " + old.String()
			}
		}
		uses := p.Compat.ColumnUses(op.Table, op.Column)
		if len(uses) == 0 {
			return
		}
		if !known {
			// Without the old type the change may be a widening, or
			// no change at all: a warning to look at, not an error.
			for i := range uses {
				uses[i].Certain = false
			}
		}
		col := qname(op.Table) + "." + quoteIdent(op.Column)
		if from != "" {
			from = " " + from
		}
		p.reportUses(op, uses,
			fmt.Sprintf("column %s changes type%s to %s while the running release reads or writes it (%s)", col, from, op.Type, usesSummary(uses)),
			"add a new column of the new type, dual-write and backfill, switch reads, drop the old one in a later release")
	},
}

// widens reports whether a column of type old can become type u without
// the running release noticing: every value it writes is still accepted,
// and it reads the same values. See the rule's doc for the matrix.
func widens(s Schema, old, u ops.Type) bool {
	if old.Array != u.Array {
		return false
	}
	if ops.BinaryCompatible(old, u) {
		return true
	}
	switch {
	case old.Name == "smallint":
		return u.Name == "integer" || u.Name == "bigint"
	case old.Name == "integer":
		return u.Name == "bigint"
	case old.Name == "character varying" && u.Name == "character varying":
		return len(u.Mods) == 0 || (len(old.Mods) == 1 && u.Mods[0] >= old.Mods[0])
	case old.Name == "numeric" && u.Name == "numeric":
		if len(u.Mods) == 0 {
			return true
		}
		if len(old.Mods) == 0 {
			return false
		}
		p, sc := old.Mods[0], 0
		if len(old.Mods) > 1 {
			sc = old.Mods[1]
		}
		q, t := u.Mods[0], 0
		if len(u.Mods) > 1 {
			t = u.Mods[1]
		}
		return t >= sc && q-t >= p-sc
	case strings.HasPrefix(old.Name, "time"): // time and timestamp, with or without zone
		return old.Name == u.Name && precision(u) >= precision(old)
	}
	if labels, ok := s.EnumLabels(old.Name); ok {
		switch {
		case u.Name == "text":
			return true
		case u.Name == "character varying":
			if len(u.Mods) == 0 {
				return true
			}
			for _, l := range labels {
				if len([]rune(l)) > u.Mods[0] {
					return false
				}
			}
			return true
		}
	}
	return false
}

// precision is a time or timestamp type's fractional digits: 6 when it
// has no modifier.
func precision(t ops.Type) int {
	if len(t.Mods) == 1 {
		return t.Mods[0]
	}
	return 6
}

// plainCast reports whether a USING expression keeps the column's values:
// none, the column itself, or the column cast to a type.
func plainCast(using, column string) bool {
	if using == "" {
		return true
	}
	m := reCastOfColumn.FindStringSubmatch(strings.TrimSpace(using))
	return m != nil && strings.EqualFold(strings.Trim(m[1], `"`), column)
}

var reCastOfColumn = regexp.MustCompile(`^\(*("[^"]+"|[A-Za-z_][A-Za-z_0-9$]*)\)*(?:\s*::\s*[A-Za-z_][\w .]*(?:\([\d, ]*\))?(?:\[\])?)?\)*$`)
