package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// replayFiles replays migrations (file name, SQL) in order and returns
// each conflict as "file:line error (origin file:line how)".
func replayFiles(t *testing.T, c *Catalog, migs ...[2]string) []string {
	t.Helper()
	var out []string
	for _, m := range migs {
		f := source.NewFile(m[0], []byte(m[1]))
		res := sqlparse.Parse(f)
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %v", m[0], res.Errors[0])
		}
		c.Order++
		for _, k := range c.Replay(ops.FromStatements(res.Statements, ops.Options{File: f}), m[0]) {
			out = append(out, m[0]+":"+itoa(k.Op.Span.Start.Line)+" "+k.Error+" ("+k.Origin.File+":"+itoa(k.Origin.Span.Start.Line)+" "+k.How+")")
		}
	}
	return out
}

func TestReplayConflicts(t *testing.T) {
	got := replayFiles(t, New(),
		[2]string{"1.sql", "CREATE TABLE users (id int, email text);\nCREATE INDEX users_email ON users (email);"},
		[2]string{"2.sql", "ALTER TABLE users DROP COLUMN email;"},
		[2]string{"3.sql", "ALTER TABLE users DROP COLUMN email;\nDROP INDEX users_email;\nCREATE INDEX users_email ON users (id);\nDROP INDEX users_email;"},
		[2]string{"4.sql", "ALTER TABLE users RENAME TO members;\nALTER TABLE users ADD COLUMN a int;"},
	)
	want := []string{
		`3.sql:1 column "email" of relation "users" does not exist (2.sql:1 dropped it)`,
		`3.sql:2 index "users_email" does not exist (2.sql:1 dropped its column email)`,
		`4.sql:2 relation "users" does not exist (4.sql:1 renamed it to members)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A migration replayed on a catalog that holds it already meets its own
// work, not a conflict: check replays the pending set on the previous
// release's catalog, which may include it when the database is behind.
func TestReplayingAMigrationAgain(t *testing.T) {
	c := New()
	create := [2]string{"1.sql", "CREATE TABLE users (id int);\nCREATE INDEX users_id ON users (id);"}
	if got := replayFiles(t, c, create, create); len(got) > 0 {
		t.Errorf("conflicts %v", got)
	}
	if got := replayFiles(t, c, [2]string{"2.sql", "CREATE INDEX users_id ON users (id);"}); len(got) != 1 {
		t.Errorf("conflicts %v, want the index created again by another migration", got)
	}
}

// What the replay did not see whole gives no conflict.
func TestReplayVouchesOnlyForWhatItSaw(t *testing.T) {
	c := New()
	got := replayFiles(t, c,
		[2]string{"1.sql", "CREATE TABLE a (id int);\nCREATE TABLE e (id int);\nCREATE TABLE b (LIKE a);\nCREATE TABLE c () INHERITS (a);"},
		[2]string{"2.sql", "ALTER TABLE b DROP COLUMN x;\nALTER TABLE c DROP COLUMN x;\nALTER TABLE unknown DROP COLUMN x;\nDROP INDEX unknown_idx;"},
		[2]string{"3.sql", "DO $$ BEGIN NULL; END $$;\nALTER TABLE a DROP COLUMN x;\nCREATE TABLE a (id int);"},
		[2]string{"4.sql", "CREATE TABLE d (id int);\nALTER TABLE d DROP COLUMN IF EXISTS x;\nALTER TABLE d ADD COLUMN IF NOT EXISTS id int;\nCREATE TABLE IF NOT EXISTS d (id int);"},
	)
	if len(got) > 0 {
		t.Errorf("conflicts %v", got)
	}
	if e := c.Tables["public.e"]; e == nil || !e.Unsure || !e.Partial {
		t.Errorf("table e after a DO block: %+v", e)
	}
}
