package report

import (
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Migration files of a realistic check run. Spans are computed from the
// text, as the lint engine does, never typed in by hand.
const (
	dropPath = "db/migrate/20240611120000_drop_legacy_email.sql"
	dropSQL  = "-- Remove a coluna antiga de e-mail (substituída por contato).\n" +
		"ALTER TABLE usuários DROP COLUMN email_antigo;\n"

	ordersPath = "db/migrate/20240612090000_orders_total_and_index.sql"
	ordersSQL  = "\tALTER TABLE orders\tALTER COLUMN total TYPE numeric(12,2);\n" +
		"\n" +
		"CREATE INDEX orders_customer_idx\n" +
		"    ON orders (customer_id);\n"

	renamePath = "db/migrate/20240613100000_rename_customer_name.sql"
	renameSQL  = "-- 顧客の氏名を full_name に変更\n" +
		"ALTER TABLE \"顧客\" RENAME COLUMN \"氏名\" TO full_name;\n"

	// The Ruby migration's text is left out of Report.Files, as when a
	// finding comes from a file the run could not keep.
	backfillPath = "db/migrate/20240614080000_backfill_order_status.rb"
	backfillRB   = "class BackfillOrderStatus < ActiveRecord::Migration[7.1]\n" +
		"  def up\n" +
		"    add_column :orders, :status, :string\n" +
		"    Order.update_all(status: \"pending\")\n" +
		"  end\n" +
		"end\n"
)

// spanOf is the span of the first occurrence of sub in f.
func spanOf(t testing.TB, f *source.File, sub string) source.Span {
	t.Helper()
	i := strings.Index(string(f.Text), sub)
	if i < 0 {
		t.Fatalf("%s: %q not found", f.Path, sub)
	}
	return f.Span(i, i+len(sub))
}

// testRules is the metadata lookup the tests pass in Options.Rules.
var testRules = map[string]*rules.Rule{
	"drop-column-referenced": {
		Name:     "drop-column-referenced",
		Severity: rules.Error,
		Category: rules.Compatibility,
		Summary:  "A dropped column is still used by the release that is running",
		Doc: "Dropping a column that the previous release still reads or writes breaks it " +
			"between the migration and the end of the deploy: every query naming the column fails.",
		Bad:  "ALTER TABLE users DROP COLUMN email;",
		Good: "-- release N: stop using the column (ignored_columns)\n-- release N+1:\nALTER TABLE users DROP COLUMN email;",
		Steps: []string{
			"Stop reading and writing the column in the application.",
			"Deploy that release everywhere.",
			"Drop the column in a migration of the next release.",
		},
		NeedsReferences: true,
	},
	"alter-column-type": {
		Name:     "alter-column-type",
		Severity: rules.Error,
		Category: rules.Rewrite,
		Summary:  "Changing a column's type rewrites the table",
		Doc:      "Most type changes rewrite every row while holding an ACCESS EXCLUSIVE lock.",
		Bad:      "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);",
		Good:     "ALTER TABLE orders ADD COLUMN total_v2 numeric(12,2);",
		Steps:    []string{"Add a new column.", "Backfill it in batches.", "Switch reads, then drop the old column."},
	},
	"create-index-non-concurrently": {
		Name:     "create-index-non-concurrently",
		Severity: rules.Warning,
		Category: rules.Locking,
		Summary:  "CREATE INDEX without CONCURRENTLY blocks writes",
		Doc:      "A plain CREATE INDEX holds a SHARE lock on the table, blocking every write until it finishes.",
		Bad:      "CREATE INDEX orders_customer_idx ON orders (customer_id);",
		Good:     "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
	},
	"rename-column": {
		Name:     "rename-column",
		Severity: rules.Error,
		Category: rules.Compatibility,
		Summary:  "Renaming a column breaks the release that uses the old name",
		Doc:      "The running release keeps using the old name, which no longer exists after the rename.",
		Bad:      `ALTER TABLE customers RENAME COLUMN name TO full_name;`,
		Steps: []string{
			"Add the new column and write both.",
			"Backfill the new column.",
			"Switch reads to the new column.",
			"Drop the old column in a later release.",
		},
	},
	"backfill-in-schema-migration": {
		Name:     "backfill-in-schema-migration",
		Severity: rules.Hint,
		Category: rules.Data,
		Summary:  "Data backfill inside a schema migration",
		Doc:      "Updating every row in the same migration as a schema change holds its locks for the whole backfill.",
	},
}

func testLookup(name string) (*rules.Rule, bool) {
	r, ok := testRules[name]
	return r, ok
}

// fixture is one realistic report covering every feature of the
// formats: several files, multi-byte and wide characters before a span,
// tabs, a multi-line span, evidence with more_evidence, hints, a fix,
// and a finding whose file text is missing.
func fixture(t testing.TB) *Report {
	drop := source.NewFile(dropPath, []byte(dropSQL))
	orders := source.NewFile(ordersPath, []byte(ordersSQL))
	rename := source.NewFile(renamePath, []byte(renameSQL))
	backfill := source.NewFile(backfillPath, []byte(backfillRB))

	createIdx := spanOf(t, orders, "CREATE INDEX orders_customer_idx\n    ON orders (customer_id)")
	insertAt := createIdx.Start.Offset + len("CREATE INDEX")

	return &Report{
		Tool:    "schemagate",
		Version: "0.3.0",
		Command: "check",
		Notes: []string{
			"checked against previous release 4f2a9c1 (origin/production)",
			"pending migrations: 20240611120000, 20240612090000, 20240613100000, 20240614080000",
		},
		Files: map[string]*source.File{dropPath: drop, ordersPath: orders, renamePath: rename},
		Findings: []rules.Finding{
			{
				Rule:     "drop-column-referenced",
				Severity: rules.Error,
				Category: rules.Compatibility,
				File:     dropPath,
				Span:     spanOf(t, drop, "DROP COLUMN email_antigo"),
				Message:  "column usuários.email_antigo is dropped while release 4f2a9c1 still reads it",
				Hint:     "stop reading usuários.email_antigo first (ignored_columns), deploy, then drop it in a later release",
				Release:  "4f2a9c1",
				Evidence: []rules.Evidence{
					{Release: "4f2a9c1", File: "app/models/usuario.rb", Line: 14, Column: 5, Snippet: "    where(email_antigo: email).first", Kind: "select"},
					{Release: "4f2a9c1", File: "app/queries/relatório mensal.sql", Line: 3, Column: 14, Snippet: "SELECT nome, email_antigo FROM usuários", Kind: "select"},
				},
				MoreEvidence: 3,
			},
			{
				Rule:     "alter-column-type",
				Severity: rules.Error,
				Category: rules.Rewrite,
				File:     ordersPath,
				Span:     spanOf(t, orders, "ALTER COLUMN total TYPE numeric(12,2)"),
				Message:  "changing orders.total to numeric(12,2) rewrites the whole table under an ACCESS EXCLUSIVE lock",
				Hint:     "add a new column, backfill it in batches, switch reads, then drop the old one",
			},
			{
				Rule:     "create-index-non-concurrently",
				Severity: rules.Warning,
				Category: rules.Locking,
				File:     ordersPath,
				Span:     createIdx,
				Message:  "CREATE INDEX orders_customer_idx blocks writes to orders until it finishes",
				Hint:     "use CREATE INDEX CONCURRENTLY",
				Fixes: []rules.Fix{{
					Title: "Create the index concurrently",
					Edits: []rules.Edit{{Start: insertAt, End: insertAt, Text: " CONCURRENTLY"}},
				}},
			},
			{
				Rule:     "rename-column",
				Severity: rules.Error,
				Category: rules.Compatibility,
				File:     renamePath,
				Span:     spanOf(t, rename, `RENAME COLUMN "氏名" TO full_name`),
				Message:  "renaming column 顧客.氏名 to full_name breaks release 4f2a9c1, which still uses the old name",
				Hint:     "add full_name, write both, backfill, switch reads, then drop 氏名 in a later release",
				Release:  "4f2a9c1",
				Evidence: []rules.Evidence{
					{File: "pg_stat_statements", Snippet: `SELECT "氏名" FROM "顧客" WHERE id = $1`, Kind: "select"},
				},
			},
			{
				Rule:     "backfill-in-schema-migration",
				Severity: rules.Hint,
				Category: rules.Data,
				File:     backfillPath,
				Span:     spanOf(t, backfill, `Order.update_all(status: "pending")`),
				Message:  "Order.update_all backfills every row of orders inside the schema migration",
				Hint:     "move the backfill to a separate data migration and batch it",
			},
		},
	}
}
