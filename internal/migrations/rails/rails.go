// Package rails reads Rails (ActiveRecord) migrations: it finds them in
// db/migrate (and db/post_migrate), orders them by version, and
// translates each migration's Ruby calls into the SQL ActiveRecord's
// PostgreSQL adapter sends for them (as the migration's Migration[x.y]
// has it). That SQL goes through internal/sqlparse and internal/ops like
// a SQL migration's, its operations pointing at the Ruby calls, and
// into a catalog replayed from the first migration on, so that the names
// Rails derives (indexes, foreign keys, check constraints) match. It
// also reads db/schema.rb into a catalog the same way.
package rails

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/nesting"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// Rails implements migration.Framework for ActiveRecord migrations.
type Rails struct {
	// DefaultVersion is the Migration[x.y] assumed for a class whose
	// superclass carries no version (a project's own base class such as
	// Gitlab::Database::Migration[2.1]); "" means the newest Rails.
	DefaultVersion string
}

// New returns the Rails translator.
func New() *Rails { return &Rails{} }

// Format is "rails".
func (r *Rails) Format() migration.Format { return migration.FormatRails }

// migrationFile is ActiveRecord's migration file name pattern
// (MigrationContext#parse_migration_filename).
var migrationFile = regexp.MustCompile(`^([0-9]+)_([_a-z0-9]*)\.?([_a-z0-9]*)?\.rb$`)

var migrationClassRE = regexp.MustCompile(`ActiveRecord::Migration|<\s*[A-Z][\w:]*Migration\s*\[`)

// Detect reports whether dir holds ActiveRecord migrations: a
// <version>_<name>.rb file defining a migration class.
func (r *Rails) Detect(fsys fs.FS, dir string) bool {
	found := false
	_ = fs.WalkDir(fsys, path.Clean(dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return fs.SkipDir
		}
		if d.IsDir() || !migrationFile.MatchString(d.Name()) {
			return nil
		}
		if migrationClassRE.Match(migration.ReadHead(fsys, p, 64<<10)) {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// Discover finds the migrations under dir (recursively, as Rails does),
// ordered by version. Files named like migrations that cannot be read
// are Skipped; duplicate versions are Problems, as Rails refuses them.
func (r *Rails) Discover(fsys fs.FS, dir string, opt migration.Options) (*migration.Set, error) {
	dir = path.Clean(dir)
	st, err := fs.Stat(fsys, dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	set := &migration.Set{Dir: dir, Format: migration.FormatRails}
	max := opt.MaxFileSize
	if max <= 0 {
		max = migration.DefaultMaxFileSize
	}
	err = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: "cannot read: " + err.Error()})
			return nil
		}
		if d.IsDir() {
			return nil
		}
		m := migrationFile.FindStringSubmatch(d.Name())
		if m == nil {
			return nil
		}
		text, reason := readFile(fsys, p, max)
		if reason != "" {
			set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: reason})
			return nil
		}
		set.Migrations = append(set.Migrations, &migration.Migration{
			Path: p, File: source.NewFile(p, text), Format: migration.FormatRails,
			Version: m[1], Name: m[2], Transactional: !disablesTransaction(text),
			Regions: []migration.Region{{Start: 0, End: len(text)}},
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(set.Migrations, func(a, b *migration.Migration) int {
		if c := migration.CompareNumbers(a.Version, b.Version); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	markDuplicates(set.Migrations)
	for i, m := range set.Migrations {
		m.Order = i
	}
	return set, nil
}

func readFile(fsys fs.FS, p string, max int64) ([]byte, string) {
	text, err := safefs.ReadFile(fsys, p, max)
	switch {
	case safefs.SkipReason(err) != "":
		return nil, safefs.SkipReason(err)
	case errors.Is(err, safefs.ErrTooLarge):
		return nil, fmt.Sprintf("larger than %d bytes", max)
	case err != nil:
		return nil, "cannot read: " + err.Error()
	case len(bytes.TrimSpace(text)) == 0:
		return nil, "empty file"
	case bytes.IndexByte(text, 0) >= 0:
		return nil, "binary file"
	case !utf8.Valid(text):
		return nil, "not valid UTF-8"
	}
	return text, ""
}

func markDuplicates(ms []*migration.Migration) {
	byVersion := map[string][]*migration.Migration{}
	byName := map[string][]*migration.Migration{}
	for _, m := range ms {
		byVersion[strings.TrimLeft(m.Version, "0")] = append(byVersion[strings.TrimLeft(m.Version, "0")], m)
		byName[m.Name] = append(byName[m.Name], m)
	}
	for _, m := range ms {
		for _, g := range []struct {
			list []*migration.Migration
			what string
		}{{byVersion[strings.TrimLeft(m.Version, "0")], "version " + m.Version}, {byName[m.Name], "name " + m.Name}} {
			if len(g.list) < 2 {
				continue
			}
			var others []string
			for _, o := range g.list {
				if o != m {
					others = append(others, o.Path)
				}
			}
			m.Problems = append(m.Problems, migration.Problem{
				Span:    m.File.Span(0, lineEnd(m.File.Text, 0)),
				Message: fmt.Sprintf("%s is also used by %s: Rails refuses to run duplicate migration %ss", g.what, strings.Join(others, ", "), strings.Fields(g.what)[0]),
			})
		}
	}
}

// disablesTransaction finds disable_ddl_transaction! outside comments.
func disablesTransaction(text []byte) bool {
	for _, line := range bytes.Split(text, []byte("\n")) {
		l := bytes.TrimSpace(line)
		if bytes.HasPrefix(l, []byte("disable_ddl_transaction!")) {
			return true
		}
	}
	return false
}

// isPostDeploy reports migrations in a db/post_migrate directory, which
// GitLab and Mastodon run after the new release is deployed.
func isPostDeploy(p string) bool {
	for _, part := range strings.Split(path.Dir(p), "/") {
		if part == "post_migrate" {
			return true
		}
	}
	return false
}

func (r *Rails) defaultVersion() version {
	if v, ok := parseVersion(r.DefaultVersion); ok {
		return v
	}
	return currentVersion
}

// PrefixStable implements migration.PrefixStable: a migration's
// translation depends on the migrations before it only.
func (r *Rails) PrefixStable() bool { return true }

// Translate turns migrations, in apply order, into operations. The state
// each one leaves (tables, columns, indexes, foreign keys) is what the
// next one is translated against, starting from opt.Catalog when given.
// Files are parsed in parallel; the replay is sequential.
// Migration.Transactional is set from disable_ddl_transaction!.
func (r *Rails) Translate(ms []*migration.Migration, opt migration.TranslateOptions) []migration.Translation {
	srcs := make([][]byte, len(ms))
	for i, m := range ms {
		if m.File != nil {
			srcs[i] = m.File.Text
		}
	}
	tree := parseAll(srcs)
	cat := catalog.New()
	if opt.Catalog != nil {
		cat = opt.Catalog.Clone()
	}
	pg := opt.PGVersion
	if pg == 0 {
		pg = ops.DefaultPGVersion
	}
	out := make([]migration.Translation, len(ms))
	for i, m := range ms {
		f := m.File
		if f == nil {
			f = source.NewFile(m.Path, nil)
		}
		t := &tr{f: f, src: f.Text, cat: cat, pg: pg, ver: r.defaultVersion()}
		p := tree(i)
		t.reportSyntaxErrors(p)
		if !p.tooDeep {
			t.runSafely(p.root, r.defaultVersion())
		}
		m.Transactional = !t.disableTx
		list := t.ops.All()
		ops.Annotate(list, m.Transactional)
		out[i] = migration.Translation{Migration: m, Ops: list, Notes: t.note, Suppressed: t.supp, Undecided: t.undecided, PostDeploy: isPostDeploy(m.Path), SQL: t.sent.Statements(list, m.Transactional)}
	}
	return out
}

// runSafely translates one file; a bug in the translator becomes a note
// on that file rather than a crash of every command.
func (t *tr) runSafely(root *node, def version) {
	defer func() {
		if r := recover(); r != nil {
			t.note = append(t.note, noteUnrecognised(t.f.Span(0, lineEnd(t.src, 0)),
				fmt.Sprintf("schemagate could not translate this file (internal error: %v); its schema changes are not checked", r)))
		}
	}()
	// Deferred, so that the statements sent before an internal error
	// keep their operations.
	defer t.flushSent()
	t.run(root, def)
}

// reportSyntaxErrors turns tree-sitter's ERROR and MISSING nodes into
// syntax-error notes, and a file too deep to parse into its note.
func (t *tr) reportSyntaxErrors(p parsed) {
	if p.tooDeep {
		t.note = append(t.note, migration.Note{Kind: migration.NoteTooComplex, Span: t.f.Span(p.deepAt, p.deepAt+1),
			Message: fmt.Sprintf("brackets nest more than %d levels deep here; schemagate does not parse Ruby nested this deep (real code never is), and nothing in this file is checked", nesting.MaxRuby)})
		return
	}
	if !p.hasError {
		return
	}
	for _, n := range syntaxErrors(p.root) {
		if n.IsMissing() {
			t.syntaxNote(t.f.Span(int(n.StartByte()), int(n.EndByte())), fmt.Sprintf("Ruby syntax error: missing `%s`", n.Type()))
			continue
		}
		// Point at the first line of the unparsable code.
		end := min(int(n.EndByte()), lineEnd(t.src, int(n.StartByte())))
		if end <= int(n.StartByte()) {
			end = int(n.EndByte())
		}
		tok := strings.TrimSpace(string(t.src[int(n.StartByte()):end]))
		if len(tok) > 40 {
			tok = truncateBytes(tok, 37) + "..."
		}
		t.syntaxNote(t.f.Span(int(n.StartByte()), end), fmt.Sprintf("Ruby syntax error near `%s`", tok))
	}
}
