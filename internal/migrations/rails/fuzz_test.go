package rails

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/migrationstest"
)

// FuzzTranslate translates arbitrary text as a Rails migration: it never
// panics, and every operation and note stays inside the file.
func FuzzTranslate(f *testing.F) {
	files, _ := filepath.Glob("../../../testdata/frameworks/rails/*/db/migrate/*.rb")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	f.Add([]byte(class("7.1", "execute \"SELECT E'\\\\\\xce\\xce;';\"\n")))
	f.Add([]byte(class("7.1", "reversible do |dir|\n  dir.up { execute <<~SQL\n    SELECT 1 + (2)\n  SQL\n  }\nend\n")))
	f.Fuzz(func(t *testing.T, src []byte) {
		m := newMigration("20240101000000", "fuzz", string(src))
		for _, tr := range New().Translate([]*migration.Migration{m}, migration.TranslateOptions{}) {
			migrationstest.TranslationInFile(t, tr, len(src))
		}
	})
}
