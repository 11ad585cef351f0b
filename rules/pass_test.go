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

// With KnownColumns, Op does not see a column a pending migration added:
// the deployed release never had it.
func TestKnownColumnsPassOverPendingColumns(t *testing.T) {
	cat := catalog.New()
	cat.Order = catalog.Baseline
	apply := func(sql string) {
		m := migrations.FromText("m.sql", []byte(sql), migration.FormatSQL)
		m.Prepare(16)
		cat.Order++
		cat.ApplyAll(m.Ops, m.Path)
	}
	apply("CREATE TABLE users (id bigint, legacy int);") // deployed
	cat.Boundary = cat.Order + 1
	apply("ALTER TABLE users ADD COLUMN fresh int;") // pending
	for _, known := range []bool{false, true} {
		var seen []string
		r := &rules.Rule{Name: "seen", Severity: rules.Warning, Category: rules.Style,
			Kinds: []ops.Kind{ops.DropColumn}, KnownColumns: known,
			Op: func(p *rules.Pass, op *ops.Op) { seen = append(seen, op.Column) },
		}
		m := migrations.FromText("drop.sql", []byte("ALTER TABLE users DROP COLUMN fresh;\nALTER TABLE users DROP COLUMN legacy;\n"), migration.FormatSQL)
		m.Prepare(16)
		rules.NewPass(r, m, 16, cat, nil, func(rules.Finding) {}).Run()
		want := []string{"fresh", "legacy"}
		if known {
			want = []string{"legacy"}
		}
		if diff := cmp.Diff(want, seen); diff != "" {
			t.Errorf("KnownColumns %v: columns Op saw (-want +got):\n%s", known, diff)
		}
	}
}

// A rule checks one operation at a time (Kinds and Op) or the whole
// migration (Run), never both; Kinds without an Op would say nothing.
func TestRuleHasOpOrRun(t *testing.T) {
	for _, r := range rules.All() {
		if r.Op != nil && r.Run != nil {
			t.Errorf("rule %s has both an Op and a Run", r.Name)
		}
		if (len(r.Kinds) > 0 || r.KnownColumns) && r.Op == nil {
			t.Errorf("rule %s has Kinds or KnownColumns but no Op", r.Name)
		}
	}
}

// A CheckOnly rule needs the running release's references: without them
// (a lint) the pass runs nothing, on a migration of existing tables with
// every kind those rules look at, so no such rule reaches a nil Compat.
func TestCheckOnlyRulesNeedReferences(t *testing.T) {
	m := migrations.FromText("all.sql", []byte(`
ALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE users ALTER COLUMN email DROP DEFAULT;
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
ALTER TABLE users ALTER COLUMN email TYPE int USING 0;
DROP FUNCTION IF EXISTS audit();
`), migration.FormatSQL)
	m.Prepare(16)
	checkOnly := 0
	for _, r := range rules.All() {
		if !r.CheckOnly {
			continue
		}
		checkOnly++
		if !r.NeedsReferences {
			t.Errorf("rule %s is CheckOnly but does not say it needs references", r.Name)
		}
		var got []rules.Finding
		rules.NewPass(r, m, 16, nil, nil, func(f rules.Finding) { got = append(got, f) }).Run()
		if len(got) > 0 {
			t.Errorf("rule %s reported %d findings without references: %v", r.Name, len(got), got[0].Message)
		}
	}
	if checkOnly == 0 {
		t.Fatal("no CheckOnly rule: the test checks nothing")
	}
}
