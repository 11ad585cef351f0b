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
	// Conditions on the adapter, case, helpers, Discourse's droppers.
	f.Add([]byte("def helper(t, *cols, **o)\n  cols.each { |c| remove_column t, c, **o }\nend\n" + class("7.1", `case adapter_name
when /sql ?server/i then execute "CREATE NONCLUSTERED INDEX i ON t(a)"
when "PostgreSQL" then helper(:t, :a, :b, if_exists: true) if supports_datetime_with_precision?
end
return if ENV["X"]
Migration::ColumnDropper.execute_drop(:t, %i[c d])
DB.exec(<<~SQL, ids: [1, 2])
  DELETE FROM t WHERE id IN (:ids) AND a::text = ?
SQL
`)))
	f.Fuzz(func(t *testing.T, src []byte) {
		m := newMigration("20240101000000", "fuzz", string(src))
		for _, tr := range New().Translate([]*migration.Migration{m}, migration.TranslateOptions{}) {
			migrationstest.TranslationInFile(t, tr, len(src))
		}
	})
}
