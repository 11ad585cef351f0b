package check

import (
	"strconv"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/rules"
)

// Release is one release's code: its name and reference index.
type Release struct {
	Name  string
	Index *refs.Index
}

// compat answers the compatibility rules from the reference indexes of the
// releases that may still run and of the release being deployed.
type compat struct {
	previous []Release
	next     *refs.Index
	// catalog is the schema before the pending migrations; it decides
	// whether a name-only reference can only mean one table's column.
	catalog *catalog.Catalog
}

var _ rules.Compat = (*compat)(nil)

func (c *compat) Releases() []string {
	var out []string
	for _, r := range c.previous {
		out = append(out, r.Name)
	}
	return out
}

func (c *compat) ColumnUses(t ops.Name, column string) []rules.Use {
	var out []rules.Use
	for _, r := range c.previous {
		for _, ref := range r.Index.Column(t.Schema, t.Name, column) {
			u := use(r.Name, ref)
			if w, ok := ref.Fill(column); ok && ref.Usage == refs.Model {
				u.Defined = u.Evidence
				u.Defined.Line, u.Defined.Column, u.Defined.Snippet = w.Line, 0, w.Snippet
			}
			out = append(out, u)
		}
		if c.uniqueColumnName(t, column) {
			for _, ref := range r.Index.NameOnly(column) {
				out = append(out, use(r.Name, ref))
			}
		}
	}
	return dedupeByPlace(out)
}

// uniqueColumnName reports whether no other known table has a column of
// that name, so that a reference that names only the column can only mean
// this one. Matching names alone across tables would cry wolf.
func (c *compat) uniqueColumnName(t ops.Name, column string) bool {
	if c.catalog == nil {
		return false
	}
	found := false
	for _, tab := range c.catalog.Tables {
		if tab.Column(column) == nil {
			continue
		}
		if tab.Name.Key() != t.Key() {
			return false
		}
		found = true
	}
	return found
}

func (c *compat) TableUses(t ops.Name) []rules.Use {
	var out []rules.Use
	for _, r := range c.previous {
		for _, ref := range r.Index.Table(t.Schema, t.Name) {
			if ref.Usage == refs.Other && ref.Column == "" {
				continue // a function of the same name
			}
			out = append(out, use(r.Name, ref))
		}
	}
	return dedupeByPlace(out)
}

func (c *compat) ObjectUses(kind ops.Kind, n ops.Name) []rules.Use {
	var out []rules.Use
	for _, r := range c.previous {
		for _, ref := range r.Index.Table(n.Schema, n.Name) {
			if ref.Usage == refs.Other && ref.Column == "" {
				u := use(r.Name, ref)
				u.Certain = true
				out = append(out, u)
			}
		}
	}
	return out
}

func (c *compat) Inserters(t ops.Name, column string) []rules.Use {
	var out []rules.Use
	for _, r := range c.previous {
		for _, ref := range r.Index.Table(t.Schema, t.Name) {
			var u rules.Use
			switch {
			case ref.Column == "" && ref.Usage == refs.Insert:
				if column != "" && refs.ContainsFold(ref.Columns, column) {
					continue
				}
				u = use(r.Name, ref)
			case ref.Column == "" && ref.Usage == refs.Model:
				var ok bool
				if u, ok = c.modelInserts(r.Name, ref, t, column); !ok {
					continue
				}
			default:
				continue
			}
			u.Certain = ref.Certainty == refs.Resolved
			out = append(out, u)
		}
	}
	return out
}

// modelInserts says whether an ORM model of the running release can
// insert a row without a value in column, and where that is decided: a
// model that does not map the column leaves it out (its class line); a
// model that maps it may write NULL unless it always gives it a value
// (ref.Writes: the Django field, the ActiveRecord validation, default or
// callback). ActiveRecord maps whatever the table had when the release
// booted: a column the deployed schema lacks is unknown to it, whatever
// its validations say.
func (c *compat) modelInserts(release string, ref refs.Reference, t ops.Name, column string) (rules.Use, bool) {
	u := use(release, ref)
	if column == "" {
		return u, true
	}
	mapped := len(ref.Columns) == 0 || refs.ContainsFold(ref.Columns, column)
	if len(ref.Columns) == 0 && !c.deployedColumn(t, column) {
		mapped = false
	}
	if !mapped {
		u.Evidence.Kind += ", does not map " + column
		return u, true
	}
	w, known := ref.Fill(column)
	u.WritesNull = true
	switch {
	case known && w.Always:
		return u, false
	case !known && len(ref.Columns) > 0:
		// A mapped column the extractor could not judge: the model
		// writes it; no finding on a guess.
		return u, false
	case len(ref.Columns) == 0 && c.catalog != nil && c.catalog.HasDefault(t, column):
		// ActiveRecord read the deployed default when the release
		// booted and fills new records with it.
		return u, false
	case known:
		u.Evidence.Line, u.Evidence.Column, u.Evidence.Snippet = w.Line, 0, w.Snippet
		u.Evidence.Kind += ", may leave " + column + " NULL"
		if omitsUnset(ref.Source) {
			// The column is left out of the INSERT, not set to NULL: a
			// column default fills it.
			u.WritesNull = false
			u.Evidence.Kind += " (nullable, no default)"
		}
		return u, true
	}
	u.Evidence.Kind += ", nothing makes sure " + column + " is set (no presence validation, default or callback)"
	return u, true
}

// omitsUnset reports the ORMs whose inserts leave out a column the code
// did not set (SQLAlchemy, Prisma Client); Django writes every concrete
// field, NULL included.
func omitsUnset(s refs.Source) bool {
	return s == refs.SQLAlchemy || s == refs.Prisma
}

// deployedColumn reports whether the deployed schema has the column (true
// when the schema is unknown).
func (c *compat) deployedColumn(t ops.Name, column string) bool {
	if c.catalog == nil {
		return true
	}
	tab := c.catalog.Table(t)
	return tab == nil || tab.Column(column) != nil
}

func (c *compat) NewReleaseUses(t ops.Name, column string) []rules.Use {
	var refsFound []refs.Reference
	if column == "" {
		for _, ref := range c.next.Table(t.Schema, t.Name) {
			if ref.Usage != refs.Other || ref.Column != "" {
				refsFound = append(refsFound, ref)
			}
		}
	} else {
		for _, ref := range c.next.Column(t.Schema, t.Name, column) {
			// A model that loads whatever the table has does not use a
			// column the new schema no longer has: ActiveRecord simply stops
			// seeing it. Only references that name the column count.
			if ref.Column != "" || (ref.Usage == refs.Model && len(ref.Columns) > 0) || (ref.Usage == refs.Insert && len(ref.Columns) > 0) {
				refsFound = append(refsFound, ref)
			}
		}
	}
	var out []rules.Use
	for _, ref := range refsFound {
		out = append(out, use("new release", ref))
	}
	return out
}

// use turns a reference into the rules' view of it. Certainty decides the
// finding's severity: a resolved reference or an ORM model that loads the
// column is certain; an ambiguous or name-only one, or a plain SELECT *,
// is not.
func use(release string, r refs.Reference) rules.Use {
	certain := false
	switch {
	case r.Usage == refs.Attribute:
		// Evidence a person can follow; the model decides.
	case r.Column != "":
		certain = r.Certainty == refs.Resolved
	case r.Usage == refs.Model, r.Usage == refs.Insert:
		certain = r.Certainty == refs.Resolved
	}
	kind := string(r.Usage)
	if r.Source != "" && r.Source != refs.SQLFile {
		kind += " (" + string(r.Source) + ")"
	}
	if r.Certainty != refs.Resolved {
		kind += ", " + string(r.Certainty)
	}
	return rules.Use{
		Release: release,
		Certain: certain,
		Insert:  r.Usage == refs.Insert || r.Usage == refs.Model,
		Evidence: rules.Evidence{
			Release: release, File: r.File, Line: r.Line, Column: r.Col,
			Snippet: r.Snippet, Kind: kind,
		},
		InsertColumns: r.Columns,
		Usage:         string(r.Usage),
		Statement:     r.SQL,
		Source:        string(r.Source),
		ByName:        r.ByName(),
	}
}

// dedupeByPlace keeps one use per place, the most certain one: a query
// that names a column twice, over several lines, is one place.
func dedupeByPlace(us []rules.Use) []rules.Use {
	at := map[string]int{}
	var out []rules.Use
	for _, u := range us {
		k := u.Release + "\x00" + u.Evidence.File + "\x00"
		if u.Statement != "" {
			k += u.Statement
		} else {
			k += strconv.Itoa(u.Evidence.Line)
		}
		if i, ok := at[k]; ok {
			if u.Certain && !out[i].Certain {
				out[i] = u
			}
			continue
		}
		at[k] = len(out)
		out = append(out, u)
	}
	return out
}
