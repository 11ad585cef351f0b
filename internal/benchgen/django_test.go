package benchgen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// python is Debian's interpreter, which has python3-django when it is
// installed (the pyenv python3 first on PATH does not).
const python = "/usr/bin/python3"

// Both releases of a generated project are projects Django accepts
// (makemigrations finds the models and the migrations agree, migrate
// applies the migrations on SQLite, the new
// release's over the previous one's), when Django is installed; and
// schemagate reads every migration of both, with nothing it could not
// read.
func TestDjangoProjectIsAccepted(t *testing.T) {
	spec := benchgen.DjangoSpec{Apps: 4, Migrations: 60, Pending: 8, CodeLines: 20}
	dir := t.TempDir()
	next, err := benchgen.DjangoProject(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	django := exec.Command(python, "-c", "import django").Run() == nil
	if !django {
		t.Log("no Django for " + python + " (apt-get install python3-django): checking schemagate's reading only")
	}
	// One database: the new release migrates what the previous one made.
	db := filepath.Join(t.TempDir(), "db.sqlite3")
	for release, want := range []int{spec.Migrations, spec.Migrations + spec.Pending} {
		if release == 1 {
			if err := next(); err != nil {
				t.Fatal(err)
			}
		}
		files, err := filepath.Glob(filepath.Join(dir, "*", "migrations", "0*.py"))
		if err != nil || len(files) != want {
			t.Fatalf("release %d: %d migration files (%v), want %d", release+1, len(files), err, want)
		}
		res, err := migrations.Load(os.DirFS(dir), migrations.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Migrations) != want || len(res.Skipped) > 0 {
			t.Errorf("release %d: schemagate read %d migrations, skipped %v; want %d", release+1, len(res.Migrations), res.Skipped, want)
		}
		for _, m := range res.Migrations {
			for _, n := range m.Notes {
				if n.Kind != migration.NoteDataMigration {
					t.Errorf("%s: %s: %s", m.Path, n.Kind, n.Message)
				}
			}
		}
		if !django {
			continue
		}
		for _, args := range [][]string{{"makemigrations", "--check", "--dry-run"}, {"migrate", "-v0"}} {
			cmd := exec.Command(python, append([]string{"manage.py"}, args...)...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "BENCH_DB="+db, "PYTHONDONTWRITEBYTECODE=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("release %d: manage.py %s: %v\n%s", release+1, strings.Join(args, " "), err, out)
			}
			if args[0] == "makemigrations" && !strings.Contains(string(out), "No changes detected") {
				t.Errorf("release %d: makemigrations: %s", release+1, out)
			}
		}
	}
}
