package check

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

// Every framework migration check read, of the previous release and the
// pending ones, carries its translation: verify runs its SQL.
func TestTranslationsCarried(t *testing.T) {
	create := `from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("accounts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("plan", sa.Text()))
`
	drop := `from alembic import op

revision = "b2"
down_revision = "a1"


def upgrade():
    op.drop_column("accounts", "plan")
`
	ini := "[alembic]\nscript_location = alembic\n"
	prev := fstest.MapFS{
		"alembic.ini":                   {Data: []byte(ini)},
		"alembic/versions/a1_create.py": {Data: []byte(create)},
	}
	next := fstest.MapFS{
		"alembic.ini":                   {Data: []byte(ini)},
		"alembic/versions/a1_create.py": {Data: []byte(create)},
		"alembic/versions/b2_drop.py":   {Data: []byte(drop)},
	}
	res, err := Run(Input{
		Previous: []Tree{{Name: "prev", FS: prev, Index: refs.NewIndex(nil)}},
		New:      Tree{Name: "new", FS: next, Index: refs.NewIndex(nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Previous) != 1 || len(res.Pending) != 1 {
		t.Fatalf("previous %d, pending %d migrations", len(res.Previous), len(res.Pending))
	}
	var got []string
	for _, m := range append(res.Previous, res.Pending...) {
		if !m.Framework || m.SQL == nil {
			t.Fatalf("no translation of %s", m.Path)
		}
		for _, s := range m.SQL {
			got = append(got, m.Path+": "+s.Text)
		}
	}
	want := []string{
		`alembic/versions/a1_create.py: CREATE TABLE "accounts" ("id" SERIAL NOT NULL, "plan" TEXT, PRIMARY KEY ("id"))`,
		`alembic/versions/b2_drop.py: ALTER TABLE "accounts" DROP COLUMN "plan"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SQL of the translations (-want +got):\n%s", diff)
	}
}
