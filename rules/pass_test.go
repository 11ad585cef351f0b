package rules_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/rules"
)

// A rule's Op sees, in order, the operations of its Kinds whose table the
// running release has; the table the migration creates is passed over.
func TestOpSeesKindsOnExistingTables(t *testing.T) {
	const text = `CREATE TABLE fresh (id bigint);
ALTER TABLE fresh ADD COLUMN a int;
ALTER TABLE users ADD COLUMN b int;
CREATE INDEX users_b ON users (b);
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE orders ADD COLUMN c int;
`
	var seen []string
	r := &rules.Rule{Name: "seen", Severity: rules.Warning, Category: rules.Style,
		Kinds: []ops.Kind{ops.AddColumn, ops.DropColumn},
		Op: func(p *rules.Pass, op *ops.Op) {
			col := op.Column
			if op.ColumnDef != nil {
				col = op.ColumnDef.Name
			}
			seen = append(seen, string(op.Kind)+" "+op.Table.Name+"."+col)
		},
	}
	m := migrations.FromText("m.sql", []byte(text), migration.FormatSQL)
	lint.Run([]*migration.Migration{m}, lint.Options{Rules: []*rules.Rule{r}, Catalog: catalog.New()})
	want := []string{"add-column users.b", "drop-column users.legacy", "add-column orders.c"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("operations Op saw (-want +got):\n%s", diff)
	}
}

// A rule checks one operation at a time (Kinds and Op) or the whole
// migration (Run), never both; Kinds without an Op would say nothing.
func TestRuleHasOpOrRun(t *testing.T) {
	for _, r := range rules.All() {
		if r.Op != nil && r.Run != nil {
			t.Errorf("rule %s has both an Op and a Run", r.Name)
		}
		if len(r.Kinds) > 0 && r.Op == nil {
			t.Errorf("rule %s has Kinds but no Op", r.Name)
		}
	}
}
