package migrations

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// goose runs the part of a file after "-- +goose Up" (up to
// "-- +goose Down") in one transaction unless "-- +goose NO TRANSACTION"
// appears anywhere. It splits statements itself: a line whose last word
// ends in ';' ends a statement, except between StatementBegin and
// StatementEnd. Annotations are case-insensitive.

// section is a part of a file that runs in one direction.
type section struct {
	found      bool
	header     line // the annotation line
	start, end int  // the SQL after the header
}

func (s section) region() []migration.Region {
	if !s.found {
		return nil
	}
	return []migration.Region{{Start: s.start, End: max(s.start, s.end)}}
}

type gooseFile struct {
	up, down   section
	noTx       bool
	structural []migration.Problem // goose refuses the file: reported on the up migration
	upSplit    []migration.Problem // statement splitting problems per direction
	downSplit  []migration.Problem
}

// gooseAnnotation returns the normalized command of a "-- +goose ..."
// line ("up", "statementbegin", "no transaction") and whether the line
// is indented.
func gooseAnnotation(s string) (cmd string, indented, ok bool) {
	t := strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(t, "--") {
		return "", false, false
	}
	rest := strings.TrimSpace(t[2:])
	if len(rest) < 6 || !strings.EqualFold(rest[:6], "+goose") {
		return "", false, false
	}
	if len(rest) > 6 && rest[6] != ' ' && rest[6] != '\t' {
		return "", false, false
	}
	return strings.ToLower(strings.Join(strings.Fields(rest[6:]), " ")), len(t) != len(s), true
}

// hasGooseMarker reports whether text has a goose annotation line.
func hasGooseMarker(text []byte) bool {
	for _, l := range splitLines(text) {
		if cmd, _, ok := gooseAnnotation(string(text[l.start:l.end])); ok && gooseCommands[cmd] {
			return true
		}
	}
	return false
}

var gooseCommands = map[string]bool{
	"up": true, "down": true, "statementbegin": true, "statementend": true,
	"no transaction": true, "envsub on": true, "envsub off": true,
}

// gooseStatementEnd returns the offset in s of the ';' that makes goose
// end a statement at this line: the last word before a word starting
// with "--" ends with ';'.
func gooseStatementEnd(s string) (int, bool) {
	last := -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		start := i
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		if strings.HasPrefix(s[start:i], "--") {
			break
		}
		last = i
	}
	if last > 0 && s[last-1] == ';' {
		return last - 1, true
	}
	return 0, false
}

func parseGoose(f *source.File) gooseFile {
	var g gooseFile
	text := f.Text
	ends := statementEnds(f)
	problem := func(list *[]migration.Problem, l line, msg string) {
		*list = append(*list, migration.Problem{Span: lineSpan(f, l), Message: msg})
	}
	const (
		start = iota
		up
		down
	)
	state := start
	var (
		inBlock    bool
		blockLine  line
		pending    bool // goose holds an unfinished statement
		pendLine   line
		reported   bool // a split problem was reported for the pending statement
		downFirst  bool // a Down section came before Up
		splitProbs = func() *[]migration.Problem {
			if state == down {
				return &g.downSplit
			}
			return &g.upSplit
		}
	)
	closeSection := func(at int) {
		if pending {
			problem(splitProbs(), pendLine, "statement does not end with ';' at the end of a line, so goose does not run it")
		}
		pending, reported = false, false
		switch state {
		case up:
			g.up.end = at
		case down:
			g.down.end = at
		}
	}
	ls := splitLines(text)
	for _, l := range ls {
		s := string(text[l.start:l.end])
		cmd, indented, ok := gooseAnnotation(s)
		if !ok {
			if state == start || inBlock {
				continue
			}
			t := strings.TrimSpace(s)
			if !pending && (t == "" || strings.HasPrefix(t, "--")) {
				continue
			}
			if !pending {
				pending, pendLine = true, l
			}
			if semi, ok := gooseStatementEnd(s); ok {
				// goose ends its statement here in any case; report
				// once per real statement that it cuts.
				real := ends == nil || ends[l.start+semi]
				if !real && !reported {
					problem(splitProbs(), l, "goose ends a statement at this ';', which is inside the statement (a string or function body): wrap the statement in '-- +goose StatementBegin' and '-- +goose StatementEnd'")
				}
				reported = !real
				pending = false
			}
			continue
		}
		if indented {
			problem(&g.structural, l, "goose annotations must start at the beginning of the line")
		}
		switch cmd {
		case "up":
			if state != start {
				problem(&g.structural, l, "duplicate '-- +goose Up' annotation: goose refuses this file")
				continue
			}
			if b := migration.BodyStart(text); !downFirst && hasSQL(text[b:l.start]) {
				at := b + sqlparse.SkipSpaceAndComments(string(text[b:l.start]), 0)
				problem(&g.structural, lineAt(ls, at), "SQL before '-- +goose Up': goose refuses this file")
			}
			state = up
			g.up = section{found: true, header: l, start: l.next, end: len(text)}
		case "down":
			switch state {
			case start:
				problem(&g.structural, l, "'-- +goose Down' before '-- +goose Up': goose refuses this file")
				downFirst = true
				continue
			case down:
				problem(&g.structural, l, "duplicate '-- +goose Down' annotation: goose refuses this file")
				continue
			}
			if inBlock {
				problem(&g.structural, blockLine, "'-- +goose StatementBegin' without '-- +goose StatementEnd' before '-- +goose Down'")
				inBlock = false
			}
			closeSection(l.start)
			state = down
			g.down = section{found: true, header: l, start: l.next, end: len(text)}
		case "statementbegin":
			switch {
			case state == start:
				problem(&g.structural, l, "'-- +goose StatementBegin' before '-- +goose Up'")
			case inBlock:
				problem(&g.structural, l, "'-- +goose StatementBegin' inside another StatementBegin block (missing '-- +goose StatementEnd')")
			default:
				if pending {
					problem(splitProbs(), pendLine, "statement does not end with ';' at the end of a line before '-- +goose StatementBegin', so goose joins it to the next statement")
					pending = false
				}
				inBlock, blockLine, reported = true, l, false
			}
		case "statementend":
			if !inBlock {
				problem(&g.structural, l, "'-- +goose StatementEnd' without '-- +goose StatementBegin'")
				continue
			}
			inBlock = false
		case "no transaction":
			g.noTx = true
		case "envsub on", "envsub off":
		default:
			problem(&g.structural, l, "unknown goose annotation '"+strings.TrimSpace(s)+"'")
		}
	}
	if inBlock {
		problem(&g.structural, blockLine, "'-- +goose StatementBegin' without '-- +goose StatementEnd': goose refuses this file")
	}
	closeSection(len(text))
	if !g.up.found {
		g.structural = append(g.structural, migration.Problem{Span: firstLineSpan(f), Message: "no '-- +goose Up' annotation: goose refuses this file"})
	}
	return g
}

// statementEnds returns the file offsets of the top-level semicolons
// (outside strings, quoted identifiers, dollar quotes and comments),
// which end statements. It is nil for an unterminated quote or comment.
func statementEnds(f *source.File) map[int]bool {
	ends, ok := topLevelSemicolons(f.Text)
	if !ok {
		return nil
	}
	return ends
}

// hasSQL reports whether text holds anything besides space and comments.
func hasSQL(text []byte) bool {
	return sqlparse.SkipSpaceAndComments(string(text), 0) < len(text)
}

// lineAt returns the line holding offset off.
func lineAt(ls []line, off int) line {
	for _, l := range ls {
		if off < l.next {
			return l
		}
	}
	if len(ls) > 0 {
		return ls[len(ls)-1]
	}
	return line{}
}

// gooseMigrations builds the up migration of a goose file and, with
// includeDown, its down migration.
func gooseMigrations(p string, text []byte, version, name string, includeDown bool) []*migration.Migration {
	f := source.NewFile(p, text)
	g := parseGoose(f)
	upM := &migration.Migration{
		Path: p, File: f, Format: migration.FormatGoose, Version: version, Name: name,
		Transactional: !g.noTx,
		Regions:       g.up.region(),
		Problems:      append(g.structural, g.upSplit...),
	}
	out := []*migration.Migration{upM}
	if includeDown && g.down.found {
		out = append(out, &migration.Migration{
			Path: p, File: source.NewFile(p, text), Format: migration.FormatGoose, Version: version, Name: name,
			Down: true, Transactional: !g.noTx,
			Regions:  g.down.region(),
			Problems: g.downSplit,
		})
	}
	return out
}
