package alembic

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ops"
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

// A server default Python computes (octavia's constants.ONLINE, aodh's
// str(timeutils.utcnow())) is a string literal to PostgreSQL, not a
// volatile expression; it is shown as written.
func TestPythonComputedServerDefault(t *testing.T) {
	src := revisionSource("from octavia.common import constants\nfrom oslo_utils import timeutils\n", `
op.add_column('l7rule', sa.Column('operating_status', sa.String(16), nullable=False, server_default=constants.ONLINE))
op.add_column('alarm', sa.Column('evaluate_timestamp', sa.DateTime(), server_default=str(timeutils.utcnow())))
op.add_column('alarm', sa.Column('token', sa.Text(), server_default=make_token()))`)
	tr := translateSource(t, src)
	type def struct {
		Text     string
		Volatile bool
	}
	var got []def
	for _, op := range tr.Ops {
		if op.ColumnDef != nil && op.ColumnDef.Default != nil {
			got = append(got, def{op.ColumnDef.Default.Text, op.ColumnDef.Default.Volatility == ops.Volatile})
		}
	}
	want := []def{{"constants.ONLINE", false}, {"str(timeutils.utcnow())", false}, {"make_token()", true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// `bind and bind.engine.name == "mysql"` (gnocchi, aodh) is False on
// PostgreSQL whatever bind is: what runs under it is not translated.
func TestDialectConditionWithAnd(t *testing.T) {
	src := revisionSource("", `
bind = op.get_bind()
if bind and bind.engine.name == "mysql":
    op.alter_column('resource', 'started_at', type_=sa.DateTime())
if bind and bind.engine.name == "postgresql":
    op.add_column('resource', sa.Column('pg_only', sa.Text()))
if bind.engine.name == "sqlite" or bind.engine.name == "postgresql":
    op.add_column('resource', sa.Column('either', sa.Text()))
if bind.engine.name == "mysql" or bind.engine.name == "sqlite":
    op.add_column('resource', sa.Column('neither', sa.Text()))`)
	tr := translateSource(t, src)
	var got []string
	for _, op := range tr.Ops {
		got = append(got, string(op.Kind)+" "+op.Column)
	}
	want := []string{"add-column pg_only", "add-column either"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, n := range tr.Notes {
		t.Errorf("note at line %d: %s", n.Span.Start.Line, n.Message)
	}
}
