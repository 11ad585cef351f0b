package alembic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// oslo_db's String is sa.String with MySQL NDB options (magnum's
// 5518af8dbc21): widening a varchar to it is no rewrite, so its type must
// be known.
func TestOsloDBString(t *testing.T) {
	src := revisionSource("from oslo_db.sqlalchemy.types import String\n", `
op.add_column('bay', sa.Column('ca_cert_ref', String(512, mysql_ndb_type=TEXT), nullable=True))`)
	tr := translateSource(t, src)
	var got []string
	for _, op := range tr.Ops {
		if op.ColumnDef != nil {
			got = append(got, op.ColumnDef.Type.String())
		}
	}
	if diff := cmp.Diff([]string{"character varying(512)"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, n := range tr.Notes {
		t.Errorf("note at line %d: %s", n.Span.Start.Line, n.Message)
	}
}
