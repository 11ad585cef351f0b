package lsp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/rules"
)

// Input is one document to lint.
type Input struct {
	// Path is the document's absolute file path; for a buffer that is
	// not a file (untitled:), just a name.
	Path string
	// OnDisk is true when Path is a file the editor opened.
	OnDisk bool
	Text   []byte
	// Config is the document's schemagate.yaml (defaults when none).
	Config *config.Config
	// Root is the workspace folder holding the document.
	Root string
}

// Result is what linting a document found.
type Result struct {
	// Findings are the document's findings; their spans are offsets in
	// Migration.File.
	Findings []rules.Finding
	// Migration is the document read as a migration: its format and
	// whether its tool runs it in a transaction decide some fixes.
	Migration *migration.Migration
	// EvidenceRoot is the directory evidence paths are relative to.
	EvidenceRoot string
	// Ops are the document's operations: the transaction each statement
	// runs in decides which fixes are safe.
	Ops []ops.Op
}

// Linter turns a document into findings. The server calls it from
// several goroutines.
type Linter interface {
	Lint(ctx context.Context, in Input) (*Result, error)
}

// Invalidator is implemented by linters that cache what they read from
// disk. The server calls it when files are saved or change on disk, and
// with no paths when the configuration changes.
type Invalidator interface {
	Invalidate(paths []string)
}

// NotLintableError says why a document is not linted (not SQL text, too
// large); the server logs it instead of publishing findings.
type NotLintableError struct{ Reason string }

func (e *NotLintableError) Error() string { return e.Reason }

func maxSize(cfg *config.Config) int64 { return migration.Limit(cfg.MaxFileSize) }

// readDocument reads a document as a migration, the way lint reads
// standard input: format from the migration directory's configuration or
// detected from the directory, the name and the text; Rails, Django and
// Alembic migrations translated.
func readDocument(in Input, format migration.Format) (*migration.Migration, error) {
	if int64(len(in.Text)) > maxSize(in.Config) {
		return nil, &NotLintableError{fmt.Sprintf("%s is larger than %d bytes (max-file-size in schemagate.yaml): not linted", filepath.Base(in.Path), maxSize(in.Config))}
	}
	loaded, err := migrations.Text(displayPath(in), in.Text, migrations.PathOptions{Format: format, PGVersion: in.Config.PGVersion, MaxFileSize: in.Config.MaxFileSize})
	if err != nil {
		return nil, &NotLintableError{err.Error()}
	}
	return loaded.Migrations[0], nil
}

// displayPath is the document's path relative to its config's directory
// or workspace folder, as lint would print it.
func displayPath(in Input) string {
	base := in.Config.Root
	if base == "" {
		base = in.Root
	}
	if in.OnDisk && base != "" && within(base, in.Path) {
		if rel, err := filepath.Rel(base, in.Path); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(in.Path)
}

// PlainLinter lints a document like `schemagate lint` lints the
// directory it is in: a migration inside a migration directory is
// checked against the schema that the migrations before it build. The
// engine's cache (lint.Cache) keeps the parse of each document's last
// text and the schema before a document, keyed by the contents of the
// migrations that build it; here are kept the migrations of each
// directory (read again only when the directory changes or one of its
// files is saved) and the last result of each document.
type PlainLinter struct {
	mu    sync.Mutex
	cache *lint.Cache
	store lint.Store // findings across sessions, when set
	dirs  map[string]*dirState
	last  map[string]*lastLint
}

// NewPlainLinter returns a linter that runs lint's rules.
func NewPlainLinter() *PlainLinter {
	return &PlainLinter{cache: lint.NewCache(), dirs: map[string]*dirState{}, last: map[string]*lastLint{}}
}

// lastLint is a document's last lint, with what it depended on.
type lastLint struct {
	text      []byte
	format    migration.Format
	pgVersion int
	cfg       *config.Config
	catKey    uint64
	useCat    bool
	result    *Result
}

// dirState is a migration directory as read from disk.
type dirState struct {
	dir    string
	stamp  time.Time
	format migration.Format
	opts   migration.Options
	migs   []*migration.Migration
	ops    [][]ops.Op // parsed on first use
	parsed []bool
	sums   []uint64        // content hash of each migration
	dirty  map[string]bool // files saved since they were read
	index  map[string]int  // position by path in the directory
	reuse  map[uint64][]ops.Op
}

// cacheLimit bounds the results kept; past it they start over.
const cacheLimit = 64

// Lint implements Linter.
func (l *PlainLinter) Lint(ctx context.Context, in Input) (*Result, error) {
	cfg := in.Config
	dir, format, inDir := migrationDir(cfg, in.Root, in.Path)
	var st *dirState
	if inDir && in.OnDisk {
		st = l.dir(dir, format, cfg)
	}
	m, err := readDocument(in, format)
	if err != nil {
		return nil, err
	}
	inContext, contextCat := false, (*catalog.Catalog)(nil)
	// As lint reads a file: its format is the configured one, or what its
	// name and text show, or when they show nothing, its directory's.
	if format == migration.FormatAuto && st != nil && m.Format == migration.FormatSQL && st.format != migration.FormatSQL {
		if m, err = readDocument(in, st.format); err != nil {
			return nil, err
		}
	}
	if cm, cat := djangoInContext(in, m); cm != nil {
		m, inContext, contextCat = cm, true, cat
	}
	// The schema before the document, named by the contents of the
	// migrations that build it.
	n, catKey, useCat := 0, uint64(0), false
	if st != nil && !m.Down && !inContext {
		rel, _ := filepath.Rel(dir, in.Path)
		n, catKey, useCat = l.beforeKey(st, filepath.ToSlash(rel), cfg.PGVersion)
	}
	if r := l.cached(in.Path, m, cfg, catKey, useCat); r != nil && !inContext {
		return r, nil
	}
	cat := contextCat
	if cat == nil {
		cat = catalog.New()
	}
	if useCat {
		cat = l.cache.Schema(catKey, func() *catalog.Catalog { return l.replay(st, n, cfg.PGVersion) })
	}
	l.cache.Prepare(in.Path, m, cfg.PGVersion)
	list := m.Ops // Run lets a migration's operations go
	// The findings cache names the schema before the document by the
	// migrations that build it (lint.Run uses no store for another one).
	opt := lint.Options{Config: cfg, Catalog: cat, Workers: 1, Store: l.store}
	if useCat && l.store != nil {
		opt.StoreBase = l.storeBase(st, n)
	}
	res := &Result{Findings: lint.Run([]*migration.Migration{m}, opt), Migration: m, Ops: list}
	l.mu.Lock()
	if len(l.last) >= cacheLimit {
		l.last = map[string]*lastLint{}
	}
	l.last[in.Path] = &lastLint{text: m.File.Text, format: m.Format, pgVersion: cfg.PGVersion, cfg: cfg, catKey: catKey, useCat: useCat, result: res}
	l.mu.Unlock()
	return res, nil
}

// cached returns the last result for the same text, config and schema
// before it: a save of a buffer that was linted as it was typed costs no
// lint.
func (l *PlainLinter) cached(path string, m *migration.Migration, cfg *config.Config, catKey uint64, useCat bool) *Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.last[path]
	if p == nil || p.cfg != cfg || p.catKey != catKey || p.useCat != useCat || p.format != m.Format || p.pgVersion != cfg.PGVersion || !bytes.Equal(p.text, m.File.Text) {
		return nil
	}
	return p.result
}

// Invalidate implements Invalidator: a saved or changed file of a
// migration directory is read again on next use.
func (l *PlainLinter) Invalidate(paths []string) {
	discovered.forget(paths)
	if len(paths) == 0 {
		l.cache.ForgetSchemas() // before l.mu: the cache calls back under its own lock
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(paths) == 0 {
		l.dirs = map[string]*dirState{}
		return
	}
	for _, st := range l.dirs {
		for _, p := range paths {
			if within(st.dir, p) {
				rel, _ := filepath.Rel(st.dir, p)
				st.dirty[filepath.ToSlash(rel)] = true
			}
		}
	}
}

// dir returns the migrations of a directory. They are listed again when
// the directory's modification time changed (a file added, removed or
// renamed); a saved file is read again on its own.
func (l *PlainLinter) dir(dir string, format migration.Format, cfg *config.Config) *dirState {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil
	}
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%d", dir, format, cfg.PGVersion, cfg.MaxFileSize)
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.dirs[key]
	if st != nil && st.stamp.Equal(info.ModTime()) && st.reload() {
		return st
	}
	opts := migration.Options{Format: format, MaxFileSize: cfg.MaxFileSize}
	set, err := migrations.Discover(safefs.Within(dir), ".", opts)
	if err != nil {
		return nil
	}
	opts.Format = set.Format
	next := &dirState{dir: dir, stamp: info.ModTime(), format: set.Format, opts: opts, dirty: map[string]bool{}, reuse: map[uint64][]ops.Op{}}
	if st != nil {
		// Parses of files that did not change are kept.
		for i, sum := range st.sums {
			if st.parsed[i] {
				next.reuse[sum] = st.ops[i]
			}
		}
	}
	next.set(set.Migrations)
	l.dirs[key] = next
	return next
}

func (st *dirState) set(migs []*migration.Migration) {
	st.migs = migs
	st.ops = make([][]ops.Op, len(migs))
	st.parsed = make([]bool, len(migs))
	st.sums = make([]uint64, len(migs))
	st.index = map[string]int{}
	for i, m := range migs {
		st.index[m.Path] = i
		st.sums[i] = migrationSum(m)
		if list, ok := st.reuse[st.sums[i]]; ok {
			st.ops[i], st.parsed[i] = list, true
		}
	}
	st.reuse = map[uint64][]ops.Op{}
}

// reload reads the saved files again; false means the directory must be
// listed again (a saved file that is not one of its migrations).
func (st *dirState) reload() bool {
	for rel := range st.dirty {
		i, ok := st.index[rel]
		if !ok {
			return false
		}
		m, skipped, err := migrations.LoadFile(safefs.Within(st.dir), rel, st.opts)
		if err != nil || skipped != nil || m == nil {
			return false
		}
		m.Order = st.migs[i].Order
		if sum := migrationSum(m); sum != st.sums[i] {
			st.migs[i], st.sums[i], st.ops[i], st.parsed[i] = m, sum, nil, false
		}
		delete(st.dirty, rel)
	}
	return true
}

// migrationSum identifies what a migration's operations depend on.
func migrationSum(m *migration.Migration) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%t\x00%v\x00", m.Path, m.Format, m.Transactional, m.Regions)
	h.Write(m.File.Text)
	return h.Sum64()
}

// prepare parses a migration and returns its operations; a file that
// makes the parser panic contributes none.
func prepare(m *migration.Migration, pgVersion int) (list []ops.Op) {
	defer func() {
		if recover() != nil {
			list = nil
		}
	}()
	m.Prepare(pgVersion)
	list, m.Ops = m.Ops, nil
	return list
}

// beforeKey locates the migration at rel in its directory and names the
// schema before it by the contents of the migrations before it. A file
// the directory listing does not show yet (a new migration) comes after
// all of them; one in a subdirectory the format does not read has no
// schema before it (ok is false).
func (l *PlainLinter) beforeKey(st *dirState, rel string, pgVersion int) (n int, key uint64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, found := st.index[rel]
	if !found {
		if strings.Contains(rel, "/") && !st.format.Tool().Nested {
			return 0, 0, false
		}
		n = len(st.migs)
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%d\x00", st.dir, pgVersion)
	var b [8]byte
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint64(b[:], st.sums[i])
		h.Write(b[:])
	}
	return n, h.Sum64(), true
}

// storeBase names the schema the first n migrations of the directory
// build, for the findings cache: their paths, formats and contents.
func (l *PlainLinter) storeBase(st *dirState, n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", st.dir, st.format, n)
	for i := 0; i < n && i < len(st.migs); i++ {
		m := st.migs[i]
		fmt.Fprintf(h, "%s\x00%s\x00%t\x00%d\x00", m.Path, m.Format, m.Transactional, len(m.Content()))
		h.Write(m.Content())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// replay builds the schema the first n migrations of the directory
// build, parsing those not parsed yet.
func (l *PlainLinter) replay(st *dirState, n, pgVersion int) *catalog.Catalog {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := catalog.New()
	for i := 0; i < n && i < len(st.migs); i++ {
		if !st.parsed[i] {
			st.ops[i], st.parsed[i] = prepare(st.migs[i], pgVersion), true
		}
		c.Order++
		func() {
			defer func() { _ = recover() }()
			c.ApplyAll(st.ops[i], st.migs[i].Path)
		}()
	}
	return c
}
