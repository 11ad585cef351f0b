package check

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations"
)

// Key identifies a migration across releases the way its tool does: by
// version, so a file moved to another directory under the same version is
// the same migration. Plain SQL files are keyed by name, Flyway
// repeatables by description.
func Key(m *migrations.Migration) string {
	switch {
	case m.Repeatable:
		return "R:" + m.Name
	case m.Format == migrations.FormatSQL || m.Version == "":
		return "file:" + path.Base(m.Path)
	}
	return string(m.Format) + ":" + m.Version
}

// Checksum is the content hash used to tell a released migration was
// edited; line endings do not count.
func Checksum(text []byte) string {
	norm := strings.ReplaceAll(string(text), "\r\n", "\n")
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
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
	Pending  []*migrations.Migration // in the new release, not in the previous one
	Modified []*migrations.Migration // in both, but edited in the new one
	Deleted  []Entry                 // in the previous release only
}

// Compare computes pending, modified and deleted migrations. Flyway
// repeatables that changed are pending (Flyway reruns them), not modified.
func Compare(previous []Entry, current []*migrations.Migration) Diff {
	prev := map[string]Entry{}
	for _, e := range previous {
		prev[e.Key] = e
	}
	var d Diff
	seen := map[string]bool{}
	for _, m := range current {
		if m.Down {
			continue
		}
		k := Key(m)
		seen[k] = true
		e, ok := prev[k]
		switch {
		case !ok:
			d.Pending = append(d.Pending, m)
		case e.Checksum != Checksum(m.Content()):
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

// Entries lists the migrations of a release for Compare.
func Entries(ms []*migrations.Migration) []Entry {
	out := make([]Entry, 0, len(ms))
	for _, m := range ms {
		if m.Down {
			continue
		}
		out = append(out, Entry{Key: Key(m), Path: m.Path, Checksum: Checksum(m.Content())})
	}
	return out
}
