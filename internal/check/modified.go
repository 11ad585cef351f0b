package check

import (
	"fmt"
	"path"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
	"github.com/schemagate/schemagate/rules"
)

// action is one thing a migration does, as the database sees it: a
// statement it sends (for framework migrations, the translated SQL), or a
// part schemagate does not translate. Key ignores formatting, comments
// and the spelling of the source; Text and Span are for messages.
type action struct {
	Key  string
	Text string
	Span source.Span
}

// actions lists what m does, in order. Two versions of a migration with
// the same keys send the same statements, in the same transaction mode:
// an edit between them (a code formatter, a removed coding line, a
// comment) changes nothing for any database.
func actions(m *migration.Migration) []action {
	var out []action
	mode := func(in bool) string {
		if in {
			return "tx:"
		}
		return "notx:"
	}
	if m.Framework {
		for _, s := range m.SQL {
			out = append(out, action{Key: mode(s.InTransaction) + statementKey(s.Text), Text: s.Text, Span: s.Span})
		}
		for _, n := range m.Notes {
			out = append(out, action{Key: "note:" + string(n.Kind) + ":" + n.Message, Text: n.Message, Span: n.Span})
		}
		return out
	}
	if m.Statements == nil && m.SyntaxErrors == nil {
		m.Parse()
	}
	for _, s := range m.Statements {
		out = append(out, action{Key: mode(m.Transactional) + statementKey(s.Text), Text: s.Text, Span: s.Span})
	}
	for _, e := range m.SyntaxErrors {
		text := string(m.File.Text[e.Span.Start.Offset:e.Span.End.Offset])
		out = append(out, action{Key: "invalid:" + strings.Join(strings.Fields(text), " "), Text: text, Span: e.Span})
	}
	return out
}

// statementKey is the statement's parse tree without token locations:
// equal for texts that differ only in layout, comments, keyword case or
// unquoted identifiers' case, different for any other change (literals
// included, which pg_query's fingerprint would ignore).
func statementKey(text string) string {
	tree, err := sqlparse.ParseTree(text)
	if err != nil {
		return "text:" + strings.Join(strings.Fields(text), " ")
	}
	for _, raw := range tree.Stmts {
		raw.StmtLocation, raw.StmtLen = 0, 0
		clearLocations(raw.ProtoReflect())
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(tree)
	if err != nil {
		return "text:" + strings.Join(strings.Fields(text), " ")
	}
	return string(b)
}

// clearLocations zeroes every "location" field of a parse tree.
func clearLocations(m protoreflect.Message) {
	var loc []protoreflect.FieldDescriptor
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Name() == "location":
			loc = append(loc, fd)
		case fd.IsList() && fd.Kind() == protoreflect.MessageKind:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				clearLocations(l.Get(i).Message())
			}
		case fd.IsMap():
		case fd.Kind() == protoreflect.MessageKind:
			clearLocations(v.Message())
		}
		return true
	})
	for _, fd := range loc {
		m.Clear(fd)
	}
}

// change is an edit of a released migration that changes what it does:
// the actions before (in the deployed release) and after that differ.
type change struct {
	before, after []action
}

// compareActions returns the actions that differ between two versions
// of a migration, around their common prefix and suffix; nil when they
// do the same.
func compareActions(before, after []action) *change {
	p := 0
	for p < len(before) && p < len(after) && before[p].Key == after[p].Key {
		p++
	}
	if p == len(before) && p == len(after) {
		return nil
	}
	s := 0
	for s < len(before)-p && s < len(after)-p && before[len(before)-1-s].Key == after[len(after)-1-s].Key {
		s++
	}
	return &change{before: before[p : len(before)-s], after: after[p : len(after)-s]}
}

// modifiedFindings judges the released migrations the new release edited:
// an edit that changes what a migration does is an error that shows the
// statements before and after; edits that change nothing a database sees
// (formatting, comments, imports, equivalent literals) are summed up in
// one note.
func modifiedFindings(modified, previous []*migration.Migration, prevName string, res *Result) {
	prevByKey := map[string]*migration.Migration{}
	for _, m := range previous {
		prevByKey[Key(m)] = m
	}
	var same []string
	for _, m := range modified {
		old := prevByKey[Key(m)]
		var c *change
		checksummed := m.Format.Tool().ValidatesChecksums
		if old != nil && !checksummed {
			c = compareActions(actions(old), actions(m))
			if c == nil {
				same = append(same, m.Path)
				continue
			}
		}
		res.Files[m.Path] = m.File
		msg := fmt.Sprintf("migration %s was edited after %s was deployed with it: it has already run there and will not run again", path.Base(m.Path), prevName)
		span := m.File.Span(0, 0)
		var ev []rules.Evidence
		if checksummed {
			msg += fmt.Sprintf("; %s validates the checksums of applied migrations and refuses to migrate once one changed", m.Format)
		}
		if c != nil {
			msg += "; the edit changes what it does: " + describeChange(c)
			if len(c.after) > 0 {
				span = c.after[0].Span
			}
			for _, a := range c.before {
				ev = append(ev, rules.Evidence{Release: prevName, File: old.Path, Line: a.Span.Start.Line, Snippet: oneLine(a.Text), Kind: "before the edit"})
			}
			for _, a := range c.after {
				ev = append(ev, rules.Evidence{File: m.Path, Line: a.Span.Start.Line, Snippet: oneLine(a.Text), Kind: "after the edit"})
			}
		}
		f := releaseFinding(rules.ReleasedMigrationModified, m.Path, span, msg,
			"revert the edit and put the change in a new migration", prevName)
		const maxEvidence = 6
		if len(ev) > maxEvidence {
			f.MoreEvidence = len(ev) - maxEvidence
			ev = ev[:maxEvidence]
		}
		f.Evidence = ev
		res.Findings = append(res.Findings, f)
	}
	if len(same) > 0 {
		example := same[0]
		if len(same) > 1 {
			example += fmt.Sprintf(" and %d more", len(same)-1)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%d released migration(s) edited without changing what they do (same statements after parsing or translation: formatting, comments, imports): %s", len(same), example))
	}
}

// describeChange says in one line which statements the edit removed,
// added or replaced.
func describeChange(c *change) string {
	list := func(as []action) string {
		var parts []string
		for i, a := range as {
			if i == 2 {
				parts = append(parts, fmt.Sprintf("and %d more", len(as)-2))
				break
			}
			parts = append(parts, "`"+oneLine(a.Text)+"`")
		}
		return strings.Join(parts, ", ")
	}
	switch {
	case len(c.before) == 0:
		return "it now also runs " + list(c.after)
	case len(c.after) == 0:
		return "it no longer runs " + list(c.before)
	}
	return "before " + list(c.before) + "; after " + list(c.after)
}

// oneLine shortens a statement to one line for a message.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 120
	if r := []rune(s); len(r) > max {
		s = string(r[:max-3]) + "..."
	}
	return s
}
