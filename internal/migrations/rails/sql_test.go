package rails

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// sent is a statement of Translation.SQL as a test reads it: its text,
// the first line of what it points at, and whether it runs in a
// transaction block.
type sent struct {
	SQL  string
	At   string
	InTx bool
}

// TestTranslationSQL checks the statements ActiveRecord 7.1 sends for
// migrations: each call's SQL as the PostgreSQL adapter writes it (with
// the options its operations do not record: opclass, order, INCLUDE,
// COLLATE, GENERATED, ON DELETE, comments), a bulk change_table as one
// ALTER TABLE, execute's SQL as written, and the transaction each runs
// in.
func TestTranslationSQL(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []sent
	}{
		{
			name: "disable_ddl_transaction!: an index built concurrently, execute of two statements, a transaction block",
			src: `class BackfillAndIndex < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def up
    add_index :users, :email, algorithm: :concurrently, where: "deleted_at IS NULL", include: [:name], order: { email: "desc nulls last" }, opclass: { email: :varchar_pattern_ops }
    execute <<~SQL
      UPDATE users SET email = lower(email);
      ANALYZE users;
    SQL
    transaction do
      add_column :users, :verified_at, :datetime
      change_column_null :users, :name, false, "unknown"
    end
  end
end
`,
			want: []sent{
				{`CREATE INDEX CONCURRENTLY "index_users_on_email" ON "users" ("email" varchar_pattern_ops DESC NULLS LAST) INCLUDE ("name") WHERE deleted_at IS NULL`,
					`add_index :users, :email, algorithm: :concurrently, where: "deleted_at IS NULL", include: [:name], order: { email: "desc nulls last" }, opclass: { email: :varchar_pattern_ops }`, false},
				// One execute(): PostgreSQL runs both in one implicit
				// transaction.
				{"UPDATE users SET email = lower(email)", "UPDATE users SET email = lower(email)", true},
				{"ANALYZE users", "ANALYZE users", true},
				{"BEGIN", "transaction", true},
				{`ALTER TABLE "users" ADD "verified_at" timestamp(6)`, "add_column :users, :verified_at, :datetime", true},
				{`UPDATE "users" SET "name"='unknown' WHERE "name" IS NULL`, `change_column_null :users, :name, false, "unknown"`, true},
				{`ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL`, `change_column_null :users, :name, false, "unknown"`, true},
				{"COMMIT", "transaction do", true},
			},
		},
		{
			name: "change_table bulk: true is one ALTER TABLE, the column comment after it",
			src: `class ReshapePosts < ActiveRecord::Migration[7.1]
  def change
    change_table :posts, bulk: true do |t|
      t.string :slug, collation: "C", comment: "URL part"
      t.remove :legacy_id
      t.change_default :status, from: nil, to: "draft"
      t.change :title, :text, using: "title::text"
    end
  end
end
`,
			want: []sent{
				{`ALTER TABLE "posts" ADD "slug" character varying COLLATE "C", DROP COLUMN "legacy_id", ALTER COLUMN "status" SET DEFAULT 'draft', ALTER COLUMN "title" TYPE text USING title::text`,
					`t.string :slug, collation: "C", comment: "URL part"`, true},
				{`COMMENT ON COLUMN "posts"."slug" IS 'URL part'`, `t.string :slug, collation: "C", comment: "URL part"`, true},
			},
		},
		{
			name: "create_table with a composite key and a generated column, foreign key actions, drop_table of two, execute",
			src: `class CreateLineItems < ActiveRecord::Migration[7.1]
  def change
    create_table :line_items, primary_key: [:order_id, :position] do |t|
      t.bigint :order_id, null: false
      t.integer :position, null: false
      t.integer :quantity, default: 1, null: false
      t.virtual :label, type: :string, as: "'#' || position", stored: true
      t.datetime :priced_at, default: Time.current
    end
    add_foreign_key :line_items, :orders, on_delete: :cascade, validate: false, name: "fk_line_items_orders"
    drop_table :carts, :cart_items, if_exists: true
    execute "ALTER TABLE line_items ADD COLUMN note text; ALTER TABLE line_items DROP COLUM y"
  end
end
`,
			want: []sent{
				// Time.current is computed when the migration runs: its
				// value, a constant, stands as a typed NULL.
				{`CREATE TABLE "line_items" ("order_id" bigint NOT NULL, "position" integer NOT NULL, "quantity" integer DEFAULT 1 NOT NULL, "label" character varying GENERATED ALWAYS AS ('#' || position) STORED, "priced_at" timestamp(6) DEFAULT CAST(NULL AS timestamp(6)), PRIMARY KEY ("order_id", "position"))`,
					"create_table :line_items, primary_key: [:order_id, :position]", true},
				{`ALTER TABLE "line_items" ADD CONSTRAINT "fk_line_items_orders" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE NOT VALID`,
					`add_foreign_key :line_items, :orders, on_delete: :cascade, validate: false, name: "fk_line_items_orders"`, true},
				{`DROP TABLE IF EXISTS "carts", "cart_items"`, "drop_table :carts, :cart_items, if_exists: true", true},
				// execute's SQL as written, the statement the server
				// rejects included.
				{"ALTER TABLE line_items ADD COLUMN note text", "ALTER TABLE line_items ADD COLUMN note text", true},
				{"ALTER TABLE line_items DROP COLUM y", "ALTER TABLE line_items DROP COLUM y", true},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			trs := translateAll(t, tc.src)
			tr := trs[0]
			var got []sent
			for _, s := range tr.SQL {
				at, _, _ := strings.Cut(string(tr.Migration.File.Text[s.Span.Start.Offset:s.Span.End.Offset]), "\n")
				got = append(got, sent{s.Text, strings.TrimSpace(at), s.InTransaction})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Translation.SQL (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTranslationSQLRuns runs the SQL of every migration of the test app
// on a fresh PostgreSQL database, as a runner sends it (each statement
// in or outside a transaction block as Translation.SQL says): the server
// accepts all of it.
func TestTranslationSQLRuns(t *testing.T) {
	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	ms := appMigrations(t)
	statements := 0
	for _, tr := range New().Translate(ms, migration.TranslateOptions{}) {
		for _, s := range tr.SQL {
			if err := sendOne(ctx, conn.PgConn(), s); err != nil {
				t.Fatalf("%s:%d: %s: %v", tr.Migration.Path, s.Span.Start.Line, s.Text, err)
			}
			statements++
		}
		if err := sendEnd(ctx, conn.PgConn()); err != nil {
			t.Fatalf("%s: COMMIT: %v", tr.Migration.Path, err)
		}
	}
	if statements < 80 {
		t.Errorf("ran %d statements, want those of every migration", statements)
	}
}

// sendOne runs a statement in or outside a transaction block, as
// Translation.SQL says; transaction control runs as written.
func sendOne(ctx context.Context, conn *pgconn.PgConn, s migration.SQLStatement) error {
	control := strings.HasPrefix(s.Text, "BEGIN") || strings.HasPrefix(s.Text, "COMMIT")
	switch idle := conn.TxStatus() == 'I'; {
	case control:
	case s.InTransaction && idle:
		if _, err := conn.Exec(ctx, "BEGIN").ReadAll(); err != nil {
			return err
		}
	case !s.InTransaction && !idle:
		if err := sendEnd(ctx, conn); err != nil {
			return err
		}
	}
	_, err := conn.Exec(ctx, s.Text).ReadAll()
	return err
}

func sendEnd(ctx context.Context, conn *pgconn.PgConn) error {
	if conn.TxStatus() == 'I' {
		return nil
	}
	_, err := conn.Exec(ctx, "COMMIT").ReadAll()
	return err
}
