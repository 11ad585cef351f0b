package lint

import (
	"bytes"
	"sync"

	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Cache keeps what the engine can reuse when the same files are linted
// again a little changed (the editor lints on every edit and save): the
// parse of each file's last text, statement by statement, and the schema
// the migrations before a file build, keyed by their contents. It is safe
// for concurrent use; its zero value is not, use NewCache.
type Cache struct {
	mu      sync.Mutex
	parsed  map[string]*parse
	schemas map[uint64]*catalog.Catalog
}

// cacheLimit bounds the parse and schema caches; past it they start over.
const cacheLimit = 64

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{parsed: map[string]*parse{}, schemas: map[uint64]*catalog.Catalog{}}
}

// parse is the parse of one file's last text.
type parse struct {
	text       []byte
	format     migration.Format
	pgVersion  int
	statements []sqlparse.Statement
	errors     []*sqlparse.SyntaxError
	ops        []ops.Op
	pieces     map[string][]relStatement // the statements, by their text
}

// Prepare parses a SQL migration (see Migration.Prepare), taking from the
// last parse of the same key (a file's path) what did not change: all of
// it for the same text (a save, a hover, a code action), the statements
// whose text did not change for an edit. A translated migration has its
// operations already.
func (c *Cache) Prepare(key string, m *migration.Migration, pgVersion int) {
	if m.Framework {
		return
	}
	c.mu.Lock()
	p := c.parsed[key]
	c.mu.Unlock()
	if p != nil && p.format == m.Format && p.pgVersion == pgVersion && bytes.Equal(p.text, m.File.Text) {
		m.Statements, m.SyntaxErrors, m.Ops = p.statements, p.errors, p.ops
		return
	}
	var pieces map[string][]relStatement
	if p != nil {
		pieces = p.pieces
	}
	ok := func() (ok bool) {
		defer func() { ok = recover() == nil }() // Run reports it
		var next map[string][]relStatement
		if m.Statements, next = parsePieces(m, pieces); m.Statements != nil {
			pieces = next
		} else {
			pieces = nil
		}
		m.Prepare(pgVersion)
		return true
	}()
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.parsed) >= cacheLimit {
		c.parsed = map[string]*parse{}
	}
	c.parsed[key] = &parse{text: m.File.Text, format: m.Format, pgVersion: pgVersion, statements: m.Statements, errors: m.SyntaxErrors, ops: m.Ops, pieces: pieces}
}

// Schema returns a copy of the schema key names (the contents of the
// migrations that build it), built by build the first time.
func (c *Cache) Schema(key uint64, build func() *catalog.Catalog) *catalog.Catalog {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[key]; ok {
		return s.Clone()
	}
	s := build()
	if len(c.schemas) >= cacheLimit {
		c.schemas = map[uint64]*catalog.Catalog{}
	}
	c.schemas[key] = s
	return s.Clone()
}

// ForgetSchemas drops every schema (the configuration changed).
func (c *Cache) ForgetSchemas() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.schemas = map[uint64]*catalog.Catalog{}
}

// relStatement is a parsed statement with its positions relative to the
// start of the statement's piece of text, so that it can be placed
// again when an edit above it moves it.
type relStatement struct {
	node       *pg.Node
	start, end int
	base       int
	text       string
}

// parsePieces parses a SQL migration statement by statement, taking the
// statements whose text did not change from the last parse: an edit
// parses again only what it touched. It gives nil (parse the whole file
// instead) when the text does not split cleanly or a statement has a
// syntax error, so that what it returns is what parsing the whole region
// gives.
func parsePieces(m *migration.Migration, last map[string][]relStatement) ([]sqlparse.Statement, map[string][]relStatement) {
	next := map[string][]relStatement{}
	var out []sqlparse.Statement
	for _, r := range m.Regions {
		text := string(m.File.Text[r.Start:r.End])
		pieces, ok := sqlparse.Split(text)
		if !ok {
			return nil, nil
		}
		for _, p := range pieces {
			key := text[p.Start:p.End]
			at := r.Start + p.Start
			rel, hit := next[key]
			if !hit {
				rel, hit = last[key]
			}
			if !hit {
				res := sqlparse.ParseRegion(m.File, at, r.Start+p.End)
				if len(res.Errors) > 0 {
					return nil, nil
				}
				for _, st := range res.Statements {
					rel = append(rel, relStatement{node: st.Node, start: st.Span.Start.Offset - at, end: st.Span.End.Offset - at, base: st.Base - at, text: st.Text})
				}
			}
			next[key] = rel
			for _, st := range rel {
				out = append(out, sqlparse.Statement{Node: st.node, Span: m.File.Span(at+st.start, at+st.end), Base: at + st.base, Text: st.text})
			}
		}
	}
	if out == nil {
		return nil, nil
	}
	return out, next
}
