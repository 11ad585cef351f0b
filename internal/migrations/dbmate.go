package migrations

import (
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// dbmate runs the block after "-- migrate:up" (up to "-- migrate:down")
// in one transaction unless the up line carries "transaction:false".
// It refuses a file without both blocks, with down before up, or with
// SQL before the up line.

var (
	dbmateUp   = regexp.MustCompile(`^--\s*migrate:up(\s.*)?$`)
	dbmateDown = regexp.MustCompile(`^--\s*migrate:down(\s.*)?$`)
)

// dbmateOptions reads "key:value" words after the directive.
func dbmateOptions(rest string) map[string]string {
	opts := map[string]string{}
	for _, w := range strings.Fields(rest) {
		if k, v, ok := strings.Cut(w, ":"); ok && !strings.Contains(v, ":") {
			opts[k] = v
		}
	}
	return opts
}

func hasDbmateMarker(text []byte) bool {
	for _, l := range splitLines(text) {
		if dbmateUp.Match(text[l.start:l.end]) {
			return true
		}
	}
	return false
}

type dbmateFile struct {
	up, down         section
	upOpts, downOpts map[string]string
	problems         []migration.Problem
}

func parseDbmate(f *source.File) dbmateFile {
	var d dbmateFile
	text := f.Text
	ls := splitLines(text)
	for _, l := range ls {
		s := text[l.start:l.end]
		if m := dbmateUp.FindSubmatch(s); m != nil && !d.up.found {
			d.up = section{found: true, header: l, start: l.next, end: len(text)}
			d.upOpts = dbmateOptions(string(m[1]))
		} else if m := dbmateDown.FindSubmatch(s); m != nil && !d.down.found {
			d.down = section{found: true, header: l, start: l.next, end: len(text)}
			d.downOpts = dbmateOptions(string(m[1]))
		}
	}
	problem := func(sp source.Span, msg string) {
		d.problems = append(d.problems, migration.Problem{Span: sp, Message: msg})
	}
	switch {
	case !d.up.found:
		problem(firstLineSpan(f), "no '-- migrate:up' line: dbmate refuses this file")
		return d
	case !d.down.found:
		problem(lineSpan(f, d.up.header), "no '-- migrate:down' line: dbmate refuses this file (an empty down block is enough)")
	case d.down.header.start < d.up.header.start:
		problem(lineSpan(f, d.down.header), "'-- migrate:down' before '-- migrate:up': dbmate refuses this file")
		d.down.found = false
		return d
	default:
		d.up.end = d.down.header.start
	}
	if b := migration.BodyStart(text); hasSQL(text[b:d.up.header.start]) {
		at := b + sqlparse.SkipSpaceAndComments(string(text[b:d.up.header.start]), 0)
		problem(lineSpan(f, lineAt(ls, at)), "SQL before '-- migrate:up': dbmate refuses this file")
	}
	if v, ok := d.upOpts["transaction"]; ok && v != "true" && v != "false" {
		problem(lineSpan(f, d.up.header), "transaction:"+v+" is not true or false: dbmate runs the block in a transaction")
	}
	return d
}

func dbmateMigrations(p string, text []byte, version, name string, includeDown bool) []*migration.Migration {
	f := source.NewFile(p, text)
	d := parseDbmate(f)
	out := []*migration.Migration{{
		Path: p, File: f, Format: migration.FormatDbmate, Version: version, Name: name,
		Transactional: d.upOpts["transaction"] != "false",
		Regions:       d.up.region(),
		Problems:      d.problems,
	}}
	if includeDown && d.down.found {
		out = append(out, &migration.Migration{
			Path: p, File: source.NewFile(p, text), Format: migration.FormatDbmate, Version: version, Name: name,
			Down:          true,
			Transactional: d.downOpts["transaction"] != "false",
			Regions:       d.down.region(),
		})
	}
	return out
}
