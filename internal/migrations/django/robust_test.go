package django

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

// TestDamagedFiles translates every testdata migration cut short at many
// points and with lines dropped: the translator must not fail on them
// (an "internal:" note would say it did), and must say something about
// a file it cannot read.
func TestDamagedFiles(t *testing.T) {
	root := "../../../testdata/frameworks/django"
	var files []string
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(p, "/migrations/0") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) < 10 {
		t.Fatalf("testdata: %v (%d files)", err, len(files))
	}
	variants := 0
	for _, p := range files {
		text, err := os.ReadFile(root + "/" + p)
		if err != nil {
			t.Fatal(err)
		}
		var damaged [][]byte
		for cut := 0; cut < len(text); cut += 97 {
			damaged = append(damaged, text[:cut])
		}
		lines := strings.SplitAfter(string(text), "\n")
		for i := range lines {
			if i%3 == 0 {
				damaged = append(damaged, []byte(strings.Join(lines[:i], "")+strings.Join(lines[i+1:], "")))
			}
		}
		for _, d := range damaged {
			variants++
			m := &migration.Migration{Path: p, File: source.NewFile(p, d), Format: migration.FormatDjango, Transactional: true}
			tr := New().Translate([]*migration.Migration{m}, migration.TranslateOptions{})[0]
			for _, n := range tr.Notes {
				if strings.HasPrefix(n.Message, "internal:") {
					t.Fatalf("%s cut to %d bytes: %s", p, len(d), n.Message)
				}
			}
		}
	}
	t.Logf("%d damaged variants of %d files", variants, len(files))
}
