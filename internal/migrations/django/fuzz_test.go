package django

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/migrationstest"
)

// FuzzTranslate translates arbitrary text as the second migration of an
// app: it never panics, and every operation and note stays inside the
// file.
func FuzzTranslate(f *testing.F) {
	files, _ := filepath.Glob("../../../testdata/frameworks/django/*/*/migrations/0*.py")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	f.Add([]byte(second("5.2", "", "", "        migrations.RunSQL(\"SELECT E'\\\\\\xce\\xce;';\"),\n")))
	f.Add([]byte(second("5.2", "", "# schemagate:ignore-file drop-column\n", "        migrations.RunSQL(\"SELECT 1\" \"+1\"),\n")))
	// The module-level code interp.go runs.
	f.Add([]byte(idiomFile(idiomCase{
		module: "from django.conf import settings\nOPS = [migrations.RunSQL('ANALYZE ' + 'shop_order')]\nfor t in ['a', 'b']:\n    OPS.append(migrations.RunSQL(f'ANALYZE {t!r}'))",
		class:  "    database_operations = OPS + [migrations.RunSQL('%s' % 'x')]\n    if settings.X:\n        operations = [migrations.SeparateDatabaseAndState(database_operations=database_operations)]\n    else:\n        operations = Migration.x\n",
		after:  "Migration.operations += ['{}'.format(1)]",
	})))
	f.Fuzz(func(t *testing.T, src []byte) {
		const p = "shop/migrations/0002_fuzz.py"
		fsys := fstest.MapFS{"shop/migrations/0001_initial.py": {Data: []byte(initial)}, p: {Data: src}}
		set, err := New().Discover(fsys, ".", migration.Options{})
		if err != nil {
			return // not a migration Django would load: nothing to translate
		}
		for _, tr := range New().Translate(set.Migrations, migration.TranslateOptions{}) {
			if tr.Migration.Path != p {
				continue
			}
			migrationstest.TranslationInFile(t, tr, len(src))
		}
	})
}
