package check

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/rules"
)

// When the project names a schema dump, it is the schema the deployed
// release runs on, even when old migrations were squashed away: here
// only the dump knows email was varchar(100), so widening it to text is
// known to be free.
func TestSchemaDumpIsTheStartingPoint(t *testing.T) {
	dump := "CREATE TABLE public.users (id bigint NOT NULL, email character varying(100));\n"
	prev := fstest.MapFS{
		"db/structure.sql":               {Data: []byte(dump)},
		"db/migrations/100_squashed.sql": {Data: []byte("-- +goose Up\nSELECT 1;\n")},
	}
	next := fstest.MapFS{
		"db/structure.sql":                  {Data: []byte(dump)},
		"db/migrations/100_squashed.sql":    {Data: []byte("-- +goose Up\nSELECT 1;\n")},
		"db/migrations/101_widen_email.sql": {Data: []byte("-- +goose Up\nSET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN email TYPE text;\n")},
	}
	run := func(dumpPath string) []string {
		res, err := Run(Input{
			Previous:   []Tree{{Name: "prev", FS: prev, Index: refs.NewIndex(nil)}},
			New:        Tree{Name: "new", FS: next, Index: refs.NewIndex(nil)},
			SchemaDump: dumpPath,
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range res.Findings {
			if f.Rule == rules.ChangeColumnType.Name {
				got = append(got, f.Rule)
			}
		}
		return got
	}
	if got := run("db/structure.sql"); len(got) != 0 {
		t.Errorf("with the dump: %v, want nothing", got)
	}
	if got := run(""); len(got) != 1 {
		t.Errorf("without the dump the old type is unknown: %v, want one change-column-type", got)
	}
}

// A schema dump is held to the file size limit like a migration: one
// larger than max-file-size is an error that names it, not a read of
// whatever is there.
func TestSchemaDumpOverTheSizeLimit(t *testing.T) {
	dump := "CREATE TABLE public.users (id bigint NOT NULL);\n-- " + strings.Repeat("x", 200) + "\n"
	tree := fstest.MapFS{
		"db/structure.sql":         {Data: []byte(dump)},
		"db/migrations/1_a.sql":    {Data: []byte("-- +goose Up\nSELECT 1;\n")},
		"db/migrations/2_drop.sql": {Data: []byte("-- +goose Up\nALTER TABLE users DROP COLUMN id;\n")},
	}
	_, err := Run(Input{
		Config:     &config.Config{MaxFileSize: 100},
		Previous:   []Tree{{Name: "prev", FS: tree, Index: refs.NewIndex(nil)}},
		New:        Tree{Name: "new", FS: tree, Index: refs.NewIndex(nil)},
		SchemaDump: "db/structure.sql",
	})
	if err == nil || !strings.Contains(err.Error(), "db/structure.sql") {
		t.Fatalf("err = %v, want one naming db/structure.sql", err)
	}
	if !strings.Contains(err.Error(), "larger than") && !strings.Contains(err.Error(), "too large") {
		t.Errorf("err = %v, want the size limit", err)
	}
}
