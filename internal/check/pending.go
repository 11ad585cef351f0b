package check

import (
	"path"
	"sort"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// Key identifies a migration across releases the way its tool does: by
// version, so a file moved to another directory under the same version is
// the same migration. Plain SQL files are keyed by name, Flyway
// repeatables by description.
func Key(m *migration.Migration) string {
	switch {
	case m.Repeatable:
		return "R:" + m.Name
	case !m.Format.Tool().Versioned || m.Version == "":
		return "file:" + path.Base(m.Path)
	}
	return string(m.Format) + ":" + m.Version
}

// Entry is what a release knows of one migration (from its files or from
// a snapshot).
type Entry struct {
	Key      string
	Path     string
	Checksum string
}

// Diff is the comparison of two releases' migrations.
type Diff struct {
	Pending  []*migration.Migration // in the new release, not in the previous one
	Modified []*migration.Migration // in both, but edited in the new one
	Deleted  []Entry                // in the previous release only
}

// Compare computes pending, modified and deleted migrations. Flyway
// repeatables that changed are pending (Flyway reruns them), not modified.
func Compare(previous []Entry, current []*migration.Migration) Diff {
	prev := map[string][]Entry{}
	for _, e := range previous {
		prev[e.Key] = append(prev[e.Key], e)
	}
	var d Diff
	seen := map[string]bool{}
	for _, m := range current {
		if m.Down {
			continue
		}
		k := Key(m)
		seen[k] = true
		e, ok := samePlace(prev[k], m.Path, func(e Entry) string { return e.Path })
		switch {
		case !ok:
			d.Pending = append(d.Pending, m)
		case e.Checksum != migration.Checksum(m.Content()):
			if m.Repeatable {
				d.Pending = append(d.Pending, m)
			} else {
				d.Modified = append(d.Modified, m)
			}
		}
	}
	for _, e := range previous {
		if !seen[e.Key] {
			d.Deleted = append(d.Deleted, e)
		}
	}
	sort.Slice(d.Deleted, func(i, j int) bool { return d.Deleted[i].Path < d.Deleted[j].Path })
	return d
}

// samePlace picks, among a previous release's migrations of one key, the
// one at path, else the first: two directories may hold the same version
// (a Rails app and its plugin's 001_*), and a moved file keeps its key.
func samePlace[T any](list []T, path string, pathOf func(T) string) (T, bool) {
	for _, x := range list {
		if pathOf(x) == path {
			return x, true
		}
	}
	if len(list) > 0 {
		return list[0], true
	}
	var zero T
	return zero, false
}

// Entries lists the migrations of a release for Compare.
func Entries(ms []*migration.Migration) []Entry {
	out := make([]Entry, 0, len(ms))
	for _, m := range ms {
		if m.Down {
			continue
		}
		out = append(out, Entry{Key: Key(m), Path: m.Path, Checksum: migration.Checksum(m.Content())})
	}
	return out
}
