package migrations

import (
	"fmt"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"strings"
	"testing/fstest"
)

// fixtures is the root of the fixture directories.
const fixtures = "../../testdata/migrations"

// summary is what the tests compare of a migration.
type summary struct {
	Path          string
	Version       string
	Name          string
	Order         int
	Transactional bool
	Down          bool
	Repeatable    bool
	Regions       []string // region texts, trimmed
	Problems      []string // "line:column: message"
}

func summarize(m *migration.Migration) summary {
	s := summary{
		Path: m.Path, Version: m.Version, Name: m.Name, Order: m.Order,
		Transactional: m.Transactional, Down: m.Down, Repeatable: m.Repeatable,
	}
	for _, r := range m.Regions {
		s.Regions = append(s.Regions, strings.TrimSpace(string(m.File.Text[r.Start:r.End])))
	}
	for _, p := range m.Problems {
		s.Problems = append(s.Problems, fmt.Sprintf("%d:%d: %s", p.Span.Start.Line, p.Span.Start.Column, p.Message))
	}
	return s
}

func summarizeAll(ms []*migration.Migration) []summary {
	var out []summary
	for _, m := range ms {
		out = append(out, summarize(m))
	}
	return out
}

func mapFSOf(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for p, s := range files {
		m[p] = &fstest.MapFile{Data: []byte(s)}
	}
	return m
}
