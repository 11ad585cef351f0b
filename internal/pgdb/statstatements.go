package pgdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Statement is one normalised query text from pg_stat_statements
// (constants replaced by $1, $2, ...) and how often it ran.
type Statement struct {
	Query string
	Calls int64
}

// StatStatements reads the statements pg_stat_statements recorded for
// the connection's database, most called first, in a READ ONLY
// transaction. Rows for the same text (other roles, nesting levels) are
// summed. Texts the role may not see ("<insufficient privilege>") make it
// an error rather than a silently partial list: a missed query could
// hide a column the running release still uses.
func StatStatements(ctx context.Context, conn *pgx.Conn) ([]Statement, error) {
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("reading pg_stat_statements: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	db := conn.Config().Database
	var schema *string
	err = tx.QueryRow(ctx,
		"SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'").Scan(&schema)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pg_stat_statements is not installed in database %s: run CREATE EXTENSION pg_stat_statements there (the server also needs shared_preload_libraries = 'pg_stat_statements')", db)
	}
	if err != nil {
		return nil, fmt.Errorf("looking for pg_stat_statements: %w", err)
	}
	rows, err := tx.Query(ctx, `
		SELECT query, sum(calls)::bigint, count(*)
		FROM `+*schema+`.pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query IS NOT NULL
		GROUP BY query
		ORDER BY 2 DESC, 1`)
	if err != nil {
		return nil, statError(db, err)
	}
	var out []Statement
	var hidden, n int64
	var s Statement
	_, err = pgx.ForEachRow(rows, []any{&s.Query, &s.Calls, &n}, func() error {
		if s.Query == "<insufficient privilege>" {
			hidden += n
		} else {
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, statError(db, err)
	}
	if hidden > 0 {
		var role string
		_ = tx.QueryRow(ctx, "SELECT current_user").Scan(&role)
		return nil, fmt.Errorf("pg_stat_statements hides the text of statements run by other roles from role %s (%d statements hidden): grant it pg_read_all_stats", role, hidden)
	}
	return out, nil
}

func statError(db string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55000" {
		// "pg_stat_statements must be loaded via shared_preload_libraries"
		return fmt.Errorf("pg_stat_statements is installed in database %s but the server did not load it: add it to shared_preload_libraries and restart the server", db)
	}
	return fmt.Errorf("reading pg_stat_statements: %w", err)
}
