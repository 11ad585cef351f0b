package migrations

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// Flyway scans its locations recursively. Versioned migrations
// (V<version>__<desc>.sql) run in version order, compared part by part;
// repeatable ones (R__<desc>.sql) run after them, ordered by
// description; undo files (U<version>__<desc>.sql) only with
// IncludeDown, newest first. Each runs in a transaction unless its
// V1__x.sql.conf says executeInTransaction=false or every statement is
// one PostgreSQL refuses inside a transaction (CREATE INDEX
// CONCURRENTLY, VACUUM, ...), which Flyway detects.

func (b *builder) discoverFlyway(l listing) {
	var versioned, repeatable, undo []*migration.Migration
	_ = fs.WalkDir(b.fsys, l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != l.dir {
				b.skip(p, migration.ReadReason(err))
			}
			return nil
		}
		if d.IsDir() || !isSQL(d.Name()) {
			return nil
		}
		name := d.Name()
		kind, v, desc, ok := flywayParts(name)
		switch {
		case flywayCallback.MatchString(name):
			b.skip(p, "Flyway callback, not a migration")
			return nil
		case !ok:
			b.skip(p, "not a Flyway migration name (V<version>__<description>.sql or R__<description>.sql): Flyway ignores it")
			return nil
		case kind == flywayUndo && !b.opt.IncludeDown:
			return nil
		}
		text, ok := b.read(p)
		if !ok {
			return nil
		}
		conf, _ := safefs.ReadFile(b.fsys, p+".conf", migration.DefaultMaxFileSize)
		m := flywayMigration(p, text, kind, v, desc, conf)
		switch kind {
		case flywayVersioned:
			versioned = append(versioned, m)
		case flywayUndo:
			undo = append(undo, m)
		default:
			repeatable = append(repeatable, m)
		}
		return nil
	})
	sortByVersion(versioned, migration.CompareVersions)
	markDuplicates(versioned, flywayVersionKey, "Flyway")
	slices.SortStableFunc(repeatable, func(a, b *migration.Migration) int {
		return strings.Compare(a.Name, b.Name)
	})
	markDuplicates(repeatable, func(m *migration.Migration) string { return m.Name }, "Flyway")
	sortByVersion(undo, migration.CompareVersions)
	b.add(versioned...)
	b.add(repeatable...)
	b.add(reversed(undo)...)
}

// flywayVersionKey is the version as Flyway compares it: "1.01.0" is
// "1.1".
func flywayVersionKey(m *migration.Migration) string {
	parts := strings.Split(m.Version, ".")
	for i, p := range parts {
		parts[i] = migration.TrimZeros(p)
	}
	for len(parts) > 1 && parts[len(parts)-1] == "0" {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, ".")
}

func flywayMigration(p string, text []byte, kind flywayKind, version, desc string, conf []byte) *migration.Migration {
	f := source.NewFile(p, text)
	m := &migration.Migration{
		Path: p, File: f, Format: migration.FormatFlyway, Version: version, Name: desc,
		Down: kind == flywayUndo, Repeatable: kind == flywayRepeat,
		Regions: wholeFile(text),
	}
	if v, ok := flywayConfSetting(conf, "executeInTransaction"); ok {
		m.Transactional = !strings.EqualFold(v, "false")
		return m
	}
	m.Transactional = true
	if !mayNeedNoTransaction(text) {
		return m
	}
	var outside, inside int
	var first source.Span
	for _, st := range parseRegions(f, m.Regions).Statements {
		if cannotRunInTransaction(st.Node) {
			if outside == 0 {
				first = st.Span
			}
			outside++
		} else {
			inside++
		}
	}
	if outside > 0 {
		m.Transactional = false
		if inside > 0 {
			m.Problems = append(m.Problems, migration.Problem{Span: first,
				Message: "this statement cannot run in a transaction and the migration has others that can: Flyway refuses such a mix unless mixed=true; give it a migration of its own"})
		}
	}
	return m
}

// flywayConfSetting reads key from a script config file (key=value
// lines, # comments).
func flywayConfSetting(conf []byte, key string) (string, bool) {
	for _, ln := range strings.Split(string(conf), "\n") {
		ln = strings.TrimSpace(ln)
		if ln == "" || strings.HasPrefix(ln, "#") {
			continue
		}
		k, v, ok := strings.Cut(ln, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
