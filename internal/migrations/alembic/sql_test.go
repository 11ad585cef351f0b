package alembic

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

// sent is a statement of Translation.SQL as a test reads it: its text,
// the text of the file it points at, and whether it runs in alembic's
// transaction.
type sent struct {
	SQL  string
	At   string
	InTx bool
}

// TestTranslationSQL checks the statements alembic sends for upgrade()
// bodies: the SQL of each call in order (the texts of alembic upgrade
// --sql, identifiers quoted), SQL given to op.execute verbatim with its
// bound values, and autocommit_block() statements outside the
// transaction.
func TestTranslationSQL(t *testing.T) {
	cases := []struct {
		name   string
		module string
		body   string
		want   []sent
	}{
		{
			name: "calls, and an index built outside the transaction",
			body: `
op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id'),
)
op.create_index('ix_accounts_email', 'accounts', ['email'], unique=True)
with op.get_context().autocommit_block():
    op.create_index('ix_accounts_lower_email', 'accounts', [sa.text('lower(email)')], postgresql_concurrently=True)
op.add_column('accounts', sa.Column('plan', sa.Text(), server_default='free', nullable=False))`,
			want: []sent{
				{`CREATE TABLE "accounts" ("id" SERIAL NOT NULL, "email" VARCHAR(255) NOT NULL, PRIMARY KEY ("id"))`,
					"op.create_table('accounts',\n        sa.Column('id', sa.Integer(), nullable=False),\n        sa.Column('email', sa.String(length=255), nullable=False),\n        sa.PrimaryKeyConstraint('id'),\n    )", true},
				{`CREATE UNIQUE INDEX "ix_accounts_email" ON "accounts" ("email")`, "op.create_index('ix_accounts_email', 'accounts', ['email'], unique=True)", true},
				{`CREATE INDEX CONCURRENTLY "ix_accounts_lower_email" ON "accounts" (lower(email))`,
					"op.create_index('ix_accounts_lower_email', 'accounts', [sa.text('lower(email)')], postgresql_concurrently=True)", false},
				{`ALTER TABLE "accounts" ADD COLUMN "plan" TEXT DEFAULT 'free' NOT NULL`,
					"op.add_column('accounts', sa.Column('plan', sa.Text(), server_default='free', nullable=False))", true},
			},
		},
		{
			name: "op.execute sends its text, a statement the server rejects included",
			body: `
op.execute("""
    UPDATE accounts SET plan = 'pro' WHERE email LIKE '%@corp.example';
    ALTER TABLE accounts ALTER COLUMN plan SET DEFAUL 'x';
    ANALYZE accounts
""")
op.execute(sa.text("DELETE FROM accounts WHERE email = :email AND id > :id").bindparams(email="o'hara@example.com", id=10))
conn = op.get_bind()
for row in conn.execute(sa.text("SELECT id FROM accounts")):
    conn.execute(sa.text("UPDATE accounts SET plan = 'x' WHERE id = :id"), {"id": row.id})`,
			want: []sent{
				{"UPDATE accounts SET plan = 'pro' WHERE email LIKE '%@corp.example'", "UPDATE accounts SET plan = 'pro' WHERE email LIKE '%@corp.example'", true},
				{"ALTER TABLE accounts ALTER COLUMN plan SET DEFAUL 'x'", "ALTER TABLE accounts ALTER COLUMN plan SET DEFAUL 'x'", true},
				{"ANALYZE accounts", "ANALYZE accounts", true},
				// The driver puts the bound values into the text.
				{"DELETE FROM accounts WHERE email = 'o''hara@example.com' AND id > 10", "DELETE FROM accounts WHERE email = :email AND id > :id", true},
				// A value known only when the migration runs stays a parameter.
				{"UPDATE accounts SET plan = 'x' WHERE id = $1", "UPDATE accounts SET plan = 'x' WHERE id = :id", true},
			},
		},
		{
			name: "op.execute of several statements outside the transaction runs them in one implicit transaction",
			body: `
with op.get_context().autocommit_block():
    op.execute("SET lock_timeout = '1s'; ALTER TABLE accounts ADD COLUMN note text")
    op.execute("VACUUM accounts")`,
			want: []sent{
				{"SET lock_timeout = '1s'", "SET lock_timeout = '1s'", true},
				{"ALTER TABLE accounts ADD COLUMN note text", "ALTER TABLE accounts ADD COLUMN note text", true},
				{"VACUUM accounts", "VACUUM accounts", false},
			},
		},
		{
			name:   "data changes through table constructs",
			module: "currencies = sa.table('currencies', sa.column('code', sa.String), sa.column('name', sa.String))",
			body: `
op.bulk_insert(currencies, [{'name': 'Euro', 'code': 'EUR'}, {'code': 'USD', 'name': None}])
op.execute(currencies.update().where(currencies.c.code == 'USD').values(name='US Dollar'))
op.execute(currencies.delete().where(sa.and_(currencies.c.name == None, currencies.c.code != 'EUR')))
op.execute(currencies.delete().where(currencies.c.code == legacy_code()))`,
			want: []sent{
				{`INSERT INTO "currencies" ("code", "name") VALUES ('EUR', 'Euro')`, "op.bulk_insert(currencies, [{'name': 'Euro', 'code': 'EUR'}, {'code': 'USD', 'name': None}])", true},
				{`INSERT INTO "currencies" ("code", "name") VALUES ('USD', NULL)`, "op.bulk_insert(currencies, [{'name': 'Euro', 'code': 'EUR'}, {'code': 'USD', 'name': None}])", true},
				{`UPDATE "currencies" SET "name"='US Dollar' WHERE "currencies"."code" = 'USD'`,
					"op.execute(currencies.update().where(currencies.c.code == 'USD').values(name='US Dollar'))", true},
				{`DELETE FROM "currencies" WHERE ("currencies"."name" IS NULL AND "currencies"."code" != 'EUR')`,
					"op.execute(currencies.delete().where(sa.and_(currencies.c.name == None, currencies.c.code != 'EUR')))", true},
				// The last DELETE's condition is computed when the
				// migration runs: it is not sent.
			},
		},
		{
			// What SQLAlchemy 2.0 ports replace: the same statements.
			name: "SQLAlchemy 1.x: an Index created on the bind, a construct executed on bound metadata, a branched connection",
			body: `
images = sa.Table('images', sa.MetaData(bind=op.get_bind()), autoload=True)
created_index = sa.Index('created_at_image_idx', images.c.created_at)
created_index.create(op.get_bind())
images.update(values={'visibility': 'public'}).where(images.c.is_public == True).execute()
connection = op.get_bind().connect()
connection.execute(images.delete().where(images.c.status == 'killed'))
connection.close()
images.c.is_public.alter(nullable=True, server_default=None)`,
			want: []sent{
				{`CREATE INDEX "created_at_image_idx" ON "images" ("created_at")`, "created_index.create(op.get_bind())", true},
				{`UPDATE "images" SET "visibility"='public' WHERE "images"."is_public" = true`,
					"images.update(values={'visibility': 'public'}).where(images.c.is_public == True).execute()", true},
				{`DELETE FROM "images" WHERE "images"."status" = 'killed'`, "connection.execute(images.delete().where(images.c.status == 'killed'))", true},
				// sqlalchemy-migrate's Column.alter, as op.alter_column.
				{`ALTER TABLE "images" ALTER COLUMN "is_public" DROP NOT NULL`, "images.c.is_public.alter(nullable=True, server_default=None)", true},
				{`ALTER TABLE "images" ALTER COLUMN "is_public" DROP DEFAULT`, "images.c.is_public.alter(nullable=True, server_default=None)", true},
			},
		},
		{
			// gnocchi's SQLAlchemy 2.0 port builds a fresh Column per use
			// with a lambda: called, a lambda is its body.
			name: "lambdas called",
			body: `
creator_col = lambda: sa.Column('creator', sa.String(255))
named = lambda name, n: sa.Column(name, sa.String(n))
drop = lambda t: (  # noqa: E731
    op.drop_column(t, 'created_by')
)
for table_name in ('resource', 'metric'):
    op.add_column(table_name, creator_col())
op.add_column('metric', named('owner', 64))
drop('resource')`,
			want: []sent{
				{`ALTER TABLE "resource" ADD COLUMN "creator" VARCHAR(255)`, "op.add_column(table_name, creator_col())", true},
				{`ALTER TABLE "metric" ADD COLUMN "creator" VARCHAR(255)`, "op.add_column(table_name, creator_col())", true},
				{`ALTER TABLE "metric" ADD COLUMN "owner" VARCHAR(64)`, "op.add_column('metric', named('owner', 64))", true},
				{`ALTER TABLE "resource" DROP COLUMN "created_by"`, "op.drop_column(t, 'created_by')", true},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := translateSource(t, revisionSource(tc.module, tc.body))
			var got []sent
			for _, s := range tr.SQL {
				got = append(got, sent{s.Text, spanText(tr.Migration.File, s.Span), s.InTransaction})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Translation.SQL (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestTranslationSQLRuns runs the SQL of every revision of the test
// project, in order, on a fresh PostgreSQL database, as a runner sends it
// (COMMIT before and BEGIN after the statements outside alembic's
// transaction): the server accepts it up to the project's own mistake,
// where alembic fails too. The project expects the
// audit schema and btree_gist (for an exclusion constraint on a varchar)
// to be there, as its deployment creates them.
func TestTranslationSQLRuns(t *testing.T) {
	ctx := context.Background()
	conn, err := pgdb.Connect(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA audit; CREATE EXTENSION btree_gist"); err != nil {
		t.Fatal(err)
	}
	fw := New()
	set, err := fw.Discover(os.DirFS("../../../testdata/frameworks/alembic/shop"), ".", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The project drops invoices while orders.invoice_id still refers
	// to it: alembic stops there too. Everything before it runs.
	statements, failed := 0, ""
run:
	for _, tr := range fw.Translate(set.Migrations, migration.TranslateOptions{}) {
		for _, s := range tr.SQL {
			if err := sendOne(ctx, conn.PgConn(), s); err != nil {
				failed = fmt.Sprintf("%s:%d %s", tr.Migration.Path, s.Span.Start.Line, pgCode(err))
				break run
			}
			statements++
		}
		if err := sendEnd(ctx, conn.PgConn()); err != nil {
			t.Fatalf("%s: COMMIT: %v", tr.Migration.Path, err)
		}
	}
	if want := "migrations/versions/a0b1c2d3e4f5_constraints_and_renames.py:38 2BP01"; failed != want {
		t.Errorf("first statement the server rejects: %q, want %q", failed, want)
	}
	if statements < 30 {
		t.Errorf("ran %d statements, want those of every revision", statements)
	}
}

// sendOne runs a statement in or outside a transaction block, as
// Translation.SQL says.
func sendOne(ctx context.Context, conn *pgconn.PgConn, s migration.SQLStatement) error {
	switch idle := conn.TxStatus() == 'I'; {
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

func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return err.Error()
}

func sendEnd(ctx context.Context, conn *pgconn.PgConn) error {
	if conn.TxStatus() == 'I' {
		return nil
	}
	_, err := conn.Exec(ctx, "COMMIT").ReadAll()
	return err
}
