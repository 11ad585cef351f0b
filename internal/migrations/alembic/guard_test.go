package alembic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Operations a revision runs only after asking whether their object
// exists are Guarded: a retry skips what is done.
func TestGuards(t *testing.T) {
	src := revisionSource("", `
inspector = sa.inspect(op.get_bind())
if not inspector.has_table('audits'):
    op.create_table('audits', sa.Column('id', sa.Integer(), primary_key=True))
if 'note' not in [c['name'] for c in inspector.get_columns('users')]:
    op.add_column('users', sa.Column('note', sa.Text()))
if not index_exists(op.get_bind(), 'users', 'ix_users_email'):
    op.create_index('ix_users_email', 'users', ['email'])
op.add_column('users', sa.Column('plain', sa.Text()))`)
	tr := translateSource(t, src)
	type guarded struct {
		Kind    string
		Guarded bool
	}
	var got []guarded
	for _, op := range tr.Ops {
		got = append(got, guarded{string(op.Kind), op.Guarded})
	}
	want := []guarded{{"create-table", true}, {"add-column", true}, {"create-index", true}, {"add-column", false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
