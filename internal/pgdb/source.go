package pgdb

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/redact"
)

// Source is what verify reads from the database --database-url names,
// to copy into a server of its own: nothing is ever written to it.
type Source struct {
	Name     string // the connection string, redacted
	Version  int    // the server's major version
	Full     string // its version string
	Database string // current_database()
	User     string // the role the connection string logs in as
	// Roles are the server's roles (pg_* aside), so that GRANTs and
	// policies naming them load; only their names are copied.
	Roles []string
	// Schema is pg_dump --schema-only of the database, without owners
	// and privileges.
	Schema []byte
}

// readOnly makes every transaction of a session read-only unless it
// says otherwise; ReadSource and DumpSchema also open theirs READ ONLY.
const readOnly = "default_transaction_read_only"

// ConnectReadOnly is Connect for a session whose transactions are
// read-only unless they say otherwise (default_transaction_read_only):
// for reading a user's server, belt and braces with READ ONLY
// transactions.
func ConnectReadOnly(ctx context.Context, conn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(conn)
	if err != nil {
		return nil, newConnectError(conn, nil, err)
	}
	cfg.RuntimeParams[readOnly] = "on"
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, newConnectError(conn, cfg, err)
	}
	return c, nil
}

// ReadSource reads the server's version, the role and database conn
// logs into, and the names of its roles, in one READ ONLY transaction of
// a read-only session.
func ReadSource(ctx context.Context, conn string) (*Source, error) {
	c, err := ConnectReadOnly(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer c.Close(context.WithoutCancel(ctx))
	src := &Source{Name: redact.ConnString(conn)}
	tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src.Name, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var num int
	err = tx.QueryRow(ctx, "SELECT current_setting('server_version_num')::int, current_setting('server_version'), current_database(), current_user").
		Scan(&num, &src.Full, &src.Database, &src.User)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src.Name, err)
	}
	src.Version = num / 10000
	rows, err := tx.Query(ctx, "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")
	if err != nil {
		return nil, fmt.Errorf("reading the roles of %s: %w", src.Name, err)
	}
	if src.Roles, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, fmt.Errorf("reading the roles of %s: %w", src.Name, err)
	}
	return src, nil
}

// DumpSchema runs pg_dump from binDir for the schema of the database
// conn names (--schema-only, without owners, privileges, tablespaces,
// publications, subscriptions and security labels). pg_dump reads in one
// REPEATABLE READ, READ ONLY transaction, and here in a session whose
// transactions are read-only by default too. It waits at most 30 s for a
// table's ACCESS SHARE lock rather than queue behind a migration. The
// password travels in pg_dump's environment, never its command line.
func (s *Source) DumpSchema(ctx context.Context, conn, binDir string) error {
	env := os.Environ()
	secrets := redact.Passwords(conn)
	if len(secrets) > 0 {
		rest, pw, ok := redact.RemovePassword(conn)
		if !ok {
			return fmt.Errorf("reading the schema of %s: the connection string names more than one password", s.Name)
		}
		conn = rest
		env = append(env, "PGPASSWORD="+pw)
	}
	env = append(env, "PGOPTIONS="+strings.TrimSpace(os.Getenv("PGOPTIONS")+" -c "+readOnly+"=on"), "PGAPPNAME=schemagate verify")
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "pg_dump"),
		"--schema-only", "--no-owner", "--no-privileges", "--no-tablespaces", "--no-publications",
		"--no-subscriptions", "--no-security-labels", "--lock-wait-timeout=30s", "--dbname="+conn)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := lastLines(errOut.Bytes(), 3)
		return fmt.Errorf("reading the schema of %s with pg_dump (%w): %s", s.Name, err, redact.Text(msg, secrets...))
	}
	s.Schema = out.Bytes()
	return nil
}
