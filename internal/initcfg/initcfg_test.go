package initcfg

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// The versions a project names, from each place projects name them;
// images that are not PostgreSQL, or carry no version, name none.
func TestPGVersions(t *testing.T) {
	fsys := fstest.MapFS{
		"docker-compose.yml":       file("services:\n  db:\n    image: postgres:15.4-alpine\n  cache:\n    image: redis:7\n  gis:\n    image: postgis/postgis:14-3.4\n  latest:\n    image: postgres:latest\n"),
		".gitlab-ci.yml":           file("test:\n  services:\n    - name: registry.example.com:5000/mirror/postgres:13\n      alias: db\n  script: [make test]\n"),
		".github/workflows/ci.yml": file("jobs:\n  test:\n    services:\n      pg:\n        image: public.ecr.aws/docker/library/postgres:16\n"),
		".tool-versions":           file("ruby 3.3.0\npostgres 12.17\n"),
		"buildspec.yml":            file("phases:\n  build:\n    commands:\n      - echo postgres:11 is not an image here\n"),
	}
	got := pgVersions(fsys)
	want := []PGVersion{
		{15, "docker-compose.yml (image postgres:15.4-alpine)"},
		{14, "docker-compose.yml (image postgis/postgis:14-3.4)"},
		{13, ".gitlab-ci.yml (image registry.example.com:5000/mirror/postgres:13)"},
		{16, ".github/workflows/ci.yml (image public.ecr.aws/docker/library/postgres:16)"},
		{12, ".tool-versions (postgres 12)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pgVersions (-want +got):\n%s", diff)
	}
	if p := (&Project{PG: got}); p.PGMajor() != 12 {
		t.Errorf("PGMajor = %d, want the lowest, 12", p.PGMajor())
	}
}

func TestCISystems(t *testing.T) {
	fsys := fstest.MapFS{
		".github/workflows/test.yaml": file("on: push\n"),
		".gitlab-ci.yml":              file("stages: [test]\n"),
		"buildspec-build.yml":         file("version: 0.2\n"),
	}
	want := []CI{{"GitHub Actions", ".github/workflows/test.yaml"}, {"GitLab CI", ".gitlab-ci.yml"}, {"AWS CodeBuild", "buildspec-build.yml"}}
	if diff := cmp.Diff(want, ciSystems(fsys)); diff != "" {
		t.Errorf("ciSystems (-want +got):\n%s", diff)
	}
	steps := (&Project{CI: want}).NextSteps("v0.1.0")
	for _, s := range []string{"uses: schemagate/schemagate@v0.1.0", "--format gitlab > gl-code-quality-report.json", "codequality", "schemagate gate ecs"} {
		if !strings.Contains(steps, s) {
			t.Errorf("next steps lack %q:\n%s", s, steps)
		}
	}
	if steps := (&Project{}).NextSteps("v0.1.0"); !strings.Contains(steps, "No CI configuration found") {
		t.Errorf("next steps without CI:\n%s", steps)
	}
}

// The rendered file is YAML that holds what was found, with a directory
// name YAML would misread quoted.
func TestRender(t *testing.T) {
	p, err := Detect(fstest.MapFS{
		"db/migrations/001_users.up.sql":           file("CREATE TABLE users (id int);\n"),
		"db/migrations/001_users.down.sql":         file("DROP TABLE users;\n"),
		"config/initializers/strong_migrations.rb": file("StrongMigrations.lock_timeout = 10.seconds\n"),
		".tool-versions":                           file("postgresql 15.2\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		PGVersion     int  `yaml:"pg-version"`
		SafetyAssured bool `yaml:"safety-assured"`
		Migrations    []struct {
			Dir, Format string
		} `yaml:"migrations"`
	}
	out := p.Render("v0.1.0")
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.PGVersion != 15 || !doc.SafetyAssured || len(doc.Migrations) != 1 || doc.Migrations[0].Dir != "db/migrations" || doc.Migrations[0].Format != "golang-migrate" {
		t.Errorf("rendered %+v:\n%s", doc, out)
	}
	if got := yamlString("no: way"); got != `"no: way"` {
		t.Errorf("yamlString = %s", got)
	}
}
