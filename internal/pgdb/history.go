package pgdb

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Applied is what a migration tool's history table says has run.
type Applied struct {
	Format string // as passed to AppliedMigrations
	Table  string // the history table read, as PostgreSQL names it
	// Versions are the applied migrations' keys, in the order they were
	// applied where the table records it:
	//   golang-migrate, goose: the version number ("20240101120000", "3")
	//   dbmate, rails: the version string
	//   flyway: the version as written ("1.1"); repeatable migrations are left out
	//   prisma: migration_name ("20240101120000_init")
	//   sqitch: the change name
	//   django: "app/name" ("auth/0001_initial")
	//   alembic: the head revision(s)
	Versions []string
	// Latest is true when the table records only where the database
	// stands, not each migration: golang-migrate keeps one row with the
	// version reached (every migration up to it is applied), alembic
	// keeps the head revisions (their ancestors are applied; the caller
	// walks the chain).
	Latest bool
	// Baseline is Flyway's baseline version: migrations up to it count as
	// applied without a row of their own.
	Baseline string
	// Problems are entries that stop a deploy: a dirty golang-migrate
	// version, a failed Flyway or Prisma migration. Each names the entry
	// and how the tool fixes it.
	Problems []string
}

// Has reports whether key is among a.Versions.
func (a *Applied) Has(key string) bool { return slices.Contains(a.Versions, key) }

// HistoryFormats are the formats AppliedMigrations reads.
var HistoryFormats = []string{"golang-migrate", "goose", "dbmate", "rails", "flyway", "prisma", "sqitch", "django", "alembic"}

// historyTable describes one tool's table: its default name, the columns
// the tool creates (to tell apart tables that share a name), and how to
// read it.
type historyTable struct {
	table   string
	tool    string // as the tool calls itself in messages
	columns []string
	read    func(ctx context.Context, tx pgx.Tx, table string, a *Applied) error
}

var historyTables = map[string]historyTable{
	"golang-migrate": {"schema_migrations", "golang-migrate", []string{"version", "dirty"}, readGolangMigrate},
	"goose":          {"goose_db_version", "goose", []string{"version_id", "is_applied"}, readGoose},
	"dbmate":         {"schema_migrations", "dbmate", []string{"version"}, readVersionColumn},
	"rails":          {"schema_migrations", "Rails", []string{"version"}, readVersionColumn},
	"flyway":         {"flyway_schema_history", "Flyway", []string{"installed_rank", "version", "description", "type", "success"}, readFlyway},
	"prisma":         {"_prisma_migrations", "Prisma", []string{"migration_name", "started_at", "finished_at", "rolled_back_at"}, readPrisma},
	"sqitch":         {"sqitch.changes", "sqitch", []string{"change", "committed_at"}, readSqitch},
	"django":         {"django_migrations", "Django", []string{"id", "app", "name"}, readDjango},
	"alembic":        {"alembic_version", "Alembic", []string{"version_num"}, readAlembic},
}

// AppliedMigrations reads format's history table under its default name
// (looked up through search_path; sqitch's in the sqitch schema). See
// AppliedMigrationsFrom.
func AppliedMigrations(ctx context.Context, conn *pgx.Conn, format string) (*Applied, error) {
	return AppliedMigrationsFrom(ctx, conn, format, "")
}

// AppliedMigrationsFrom reads the history table of format, named table
// in SQL syntax (schema-qualified and quoted as needed: ops."Migrations";
// empty for the tool's default), in a READ ONLY
// transaction. A missing table, or one without the tool's columns, is an
// error that names it.
func AppliedMigrationsFrom(ctx context.Context, conn *pgx.Conn, format, table string) (*Applied, error) {
	h, ok := historyTables[format]
	if !ok {
		return nil, fmt.Errorf("unknown migration history format %q: want one of %s", format, strings.Join(HistoryFormats, ", "))
	}
	if table == "" {
		table = h.table
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", table, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	var name *string
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1)::text", table).Scan(&name); err != nil {
		return nil, fmt.Errorf("looking up %s: %w", table, err)
	}
	if name == nil {
		return nil, fmt.Errorf("no %s table: has this database been migrated with %s? (looked up in database %s%s)",
			table, h.tool, conn.Config().Database, searchPathNote(ctx, tx, table))
	}
	rows, err := tx.Query(ctx,
		"SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped", *name)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", *name, err)
	}
	columns, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", *name, err)
	}
	for _, want := range h.columns {
		if !slices.Contains(columns, want) {
			return nil, fmt.Errorf("table %s has no %s column: it is not the history table %s creates (columns: %s)",
				*name, want, h.tool, strings.Join(columns, ", "))
		}
	}
	a := &Applied{Format: format, Table: *name, Versions: []string{}}
	if err := h.read(ctx, tx, *name, a); err != nil {
		return nil, fmt.Errorf("reading %s: %w", *name, err)
	}
	return a, nil
}

// searchPathNote tells where an unqualified name was looked for.
func searchPathNote(ctx context.Context, tx pgx.Tx, table string) string {
	if strings.Contains(table, ".") {
		return ""
	}
	var path string
	if tx.QueryRow(ctx, "SELECT current_setting('search_path')").Scan(&path) != nil {
		return ""
	}
	return " with search_path " + path
}

// queryStrings runs sql, whose rows are one text column.
func queryStrings(ctx context.Context, tx pgx.Tx, sql string) ([]string, error) {
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// golang-migrate keeps a single row: the version reached, and whether
// the migration to it failed half way (dirty). Version -1 with dirty
// means the very first migration failed.
func readGolangMigrate(ctx context.Context, tx pgx.Tx, table string, a *Applied) error {
	a.Latest = true
	rows, err := tx.Query(ctx, "SELECT version::text, dirty FROM "+table+" ORDER BY version")
	if err != nil {
		return err
	}
	var version string
	var dirty bool
	_, err = pgx.ForEachRow(rows, []any{&version, &dirty}, func() error {
		switch {
		case dirty && version == "-1":
			a.Problems = append(a.Problems, fmt.Sprintf(
				"%s is marked dirty at version -1: undoing the first migration failed half way; fix the database and run `migrate force`", table))
		case dirty:
			a.Problems = append(a.Problems, fmt.Sprintf(
				"migration %s is marked dirty in %s: a previous run failed half way; fix the database and run `migrate force`",
				version, table))
		}
		if version != "-1" {
			a.Versions = append(a.Versions, version)
		}
		return nil
	})
	return err
}

// goose appends a row per up (is_applied). On down, the original goose
// appended a row with is_applied false and pressly/goose deletes the
// row: either way the latest row of each version decides. Version 0 is
// the row goose writes when it creates the table.
func readGoose(ctx context.Context, tx pgx.Tx, table string, a *Applied) (err error) {
	a.Versions, err = queryStrings(ctx, tx, `
		SELECT version_id::text FROM (
			SELECT DISTINCT ON (version_id) version_id, is_applied, id
			FROM `+table+` ORDER BY version_id, id DESC
		) latest
		WHERE is_applied AND version_id <> 0
		ORDER BY id`)
	return err
}

// dbmate and Rails keep one row per applied version and nothing else.
func readVersionColumn(ctx context.Context, tx pgx.Tx, table string, a *Applied) (err error) {
	a.Versions, err = queryStrings(ctx, tx, "SELECT version::text FROM "+table+" ORDER BY version")
	return err
}

// Flyway appends a row per event, in installed_rank order: a migration
// (type SQL, JDBC, ...), a baseline, an undo (UNDO_*), a repair marking a
// missing migration deleted (DELETE), the schema creation (SCHEMA).
// A row with success false is a failed migration that needs repair.
func readFlyway(ctx context.Context, tx pgx.Tx, table string, a *Applied) error {
	rows, err := tx.Query(ctx, `
		SELECT installed_rank, version, description, type, success
		FROM `+table+` WHERE version IS NOT NULL ORDER BY installed_rank`)
	if err != nil {
		return err
	}
	var rank int
	var version, description, typ string
	var success bool
	applied := map[string]bool{}
	var order []string
	_, err = pgx.ForEachRow(rows, []any{&rank, &version, &description, &typ, &success}, func() error {
		switch {
		case typ == "SCHEMA":
		case !success:
			a.Problems = append(a.Problems, fmt.Sprintf(
				"migration %s (%s) failed according to %s (installed_rank %d); fix the database and run `flyway repair`",
				version, description, table, rank))
		case typ == "BASELINE":
			a.Baseline = version
		case typ == "DELETE" || strings.HasPrefix(typ, "UNDO_"):
			delete(applied, version)
		default:
			if !applied[version] {
				order = slices.DeleteFunc(order, func(v string) bool { return v == version })
				order = append(order, version)
			}
			applied[version] = true
		}
		return nil
	})
	for _, v := range order {
		if applied[v] {
			a.Versions = append(a.Versions, v)
		}
	}
	return err
}

// Prisma writes a row when a migration starts and sets finished_at when
// it is done. A row without finished_at and without rolled_back_at is a
// failed migration (Prisma's P3009); a rolled-back row (migrate resolve
// --rolled-back) no longer counts, and a later row may apply it again.
func readPrisma(ctx context.Context, tx pgx.Tx, table string, a *Applied) error {
	rows, err := tx.Query(ctx, `
		SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL,
		       to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'
		FROM `+table+` ORDER BY started_at, migration_name`)
	if err != nil {
		return err
	}
	var name, started string
	var finished, rolledBack bool
	_, err = pgx.ForEachRow(rows, []any{&name, &finished, &rolledBack, &started}, func() error {
		switch {
		case rolledBack:
		case !finished:
			a.Problems = append(a.Problems, fmt.Sprintf(
				"migration %s failed according to %s (started %s, never finished); fix the database and run `prisma migrate resolve --rolled-back %s` or `--applied %s`",
				name, table, started, name, name))
		case !slices.Contains(a.Versions, name):
			a.Versions = append(a.Versions, name)
		}
		return nil
	})
	return err
}

// sqitch keeps a row per deployed change and deletes it on revert; a
// failed deploy is reverted and logged only in sqitch.events.
func readSqitch(ctx context.Context, tx pgx.Tx, table string, a *Applied) error {
	names, err := queryStrings(ctx, tx, "SELECT change FROM "+table+" ORDER BY committed_at, change")
	for _, n := range names {
		if !slices.Contains(a.Versions, n) {
			a.Versions = append(a.Versions, n)
		}
	}
	return err
}

func readDjango(ctx context.Context, tx pgx.Tx, table string, a *Applied) (err error) {
	a.Versions, err = queryStrings(ctx, tx, "SELECT app || '/' || name FROM "+table+" ORDER BY id")
	return err
}

// Alembic keeps the current head revision(s), one row per branch head.
func readAlembic(ctx context.Context, tx pgx.Tx, table string, a *Applied) (err error) {
	a.Latest = true
	a.Versions, err = queryStrings(ctx, tx, "SELECT version_num FROM "+table+" ORDER BY version_num")
	return err
}
