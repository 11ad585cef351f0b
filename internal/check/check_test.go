package check

import (
	"testing"
	"testing/fstest"

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
