package pgdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/schemagate/schemagate/internal/redact"
)

// Connect opens one connection. conn is a postgres:// URL or a key=value
// DSN; like libpq, the PG* environment variables (PGHOST, PGPASSWORD,
// PGSSLMODE, ...) and ~/.pgpass fill in what it leaves out, and sslmode
// works as in libpq. Errors are *ConnectError: one line naming the
// redacted target, never the password.
func Connect(ctx context.Context, conn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(conn)
	if err != nil {
		return nil, newConnectError(conn, nil, err)
	}
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, newConnectError(conn, cfg, err)
	}
	return c, nil
}

// ConnectError is a failed connection attempt, printable as one line.
type ConnectError struct {
	Target string // the redacted connection string, or the effective settings when it was empty
	Reason string // what went wrong, one line, scrubbed of passwords
	err    error
}

func (e *ConnectError) Error() string {
	return "connecting to " + e.Target + ": " + e.Reason
}

// Unwrap gives access to the driver's error (errors.As with
// *pgconn.PgError for the SQLSTATE). Print e, not the driver's error.
func (e *ConnectError) Unwrap() error { return e.err }

func newConnectError(conn string, cfg *pgx.ConnConfig, err error) *ConnectError {
	target := redact.ConnString(conn)
	if strings.TrimSpace(conn) == "" {
		target = describe(cfg)
	}
	secrets := append(redact.Passwords(conn), os.Getenv("PGPASSWORD"))
	if cfg != nil {
		secrets = append(secrets, cfg.Password)
	}
	return &ConnectError{Target: target, Reason: redact.Text(reason(err), secrets...), err: err}
}

// quotedWord is the input pgx quotes in `missing "=" after "..."`.
var quotedWord = regexp.MustCompile(`after "(?:[^"\\]|\\.)*"`)

// reason is the driver's message without the parts that repeat the
// target (which Target shows redacted), on one line.
func reason(err error) string {
	var parseErr *pgconn.ParseConfigError
	var connErr *pgconn.ConnectError
	msg := err.Error()
	switch {
	case errors.As(err, &parseErr):
		// "cannot parse `<conn>`: why": keep only why.
		if i := strings.LastIndex(msg, "`: "); i >= 0 {
			msg = msg[i+3:]
		}
		// pgx quotes the word it stopped at, which may be a piece of a
		// quoted password.
		msg = "invalid connection string: " + quotedWord.ReplaceAllString(msg, "after "+redact.Mask)
	case errors.As(err, &connErr) && errors.Unwrap(connErr) != nil:
		msg = errors.Unwrap(connErr).Error()
	}
	msg = strings.ReplaceAll(msg, "\r", "")
	msg = strings.ReplaceAll(msg, "\n\t", "; ")
	msg = strings.ReplaceAll(msg, "\n", "; ")
	return strings.Join(strings.Fields(msg), " ")
}

// describe names the effective target of an empty connection string
// (all from PG* variables), without the password.
func describe(cfg *pgx.ConnConfig) string {
	if cfg == nil {
		return "the server named by the PG* environment variables"
	}
	s := fmt.Sprintf("host=%s port=%d user=%s", cfg.Host, cfg.Port, cfg.User)
	if cfg.Database != "" {
		s += " dbname=" + cfg.Database
	}
	return s
}
