package pgdb

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/schemagate/schemagate/internal/redact"
)

// ScratchPrefix starts the name of every scratch database.
const ScratchPrefix = "schemagate_scratch_"

// ErrNoCreateDB is wrapped by NewScratch's error when the role may not
// create databases.
var ErrNoCreateDB = errors.New("role lacks CREATEDB")

// dropTimeout bounds Drop, which runs on a context of its own so that
// cleanup still happens after the caller's context was cancelled.
const dropTimeout = 30 * time.Second

// Scratch is a database this package created, to be dropped at the end:
// in verify's sandbox, or on a test server (pgtest). Nothing else on
// that server is written to.
type Scratch struct {
	Name    string // schemagate_scratch_<random hex>, or ScratchOptions.Name
	URL     string // the admin connection string pointed at Name; it may carry a password: print it with redact.ConnString
	Version int    // the server's major version

	adminURL string
	mu       sync.Mutex
	admin    *pgx.Conn // kept open so Drop needs no new connection
	dropped  bool
}

// ScratchOptions tune NewScratchWith.
type ScratchOptions struct {
	// Name is the database's name; empty: ScratchPrefix and random hex.
	Name string
	// Owner, when set, owns the database instead of the admin role.
	Owner string
}

// NewScratch connects with adminURL, checks the role may create
// databases, and creates an empty, uniquely named database from
// template0. Call Drop when done, also on error paths: it works after
// ctx is cancelled.
func NewScratch(ctx context.Context, adminURL string) (*Scratch, error) {
	return NewScratchWith(ctx, adminURL, ScratchOptions{})
}

// NewScratchWith is NewScratch with a chosen name and owner.
func NewScratchWith(ctx context.Context, adminURL string, opt ScratchOptions) (*Scratch, error) {
	admin, err := Connect(ctx, adminURL)
	if err != nil {
		return nil, err
	}
	s := &Scratch{adminURL: adminURL, admin: admin}
	if s.Version, _, err = ServerVersion(ctx, admin); err != nil {
		admin.Close(context.Background())
		return nil, err
	}
	var role string
	var allowed bool
	err = admin.QueryRow(ctx,
		"SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&role, &allowed)
	if err != nil {
		admin.Close(context.Background())
		return nil, fmt.Errorf("checking the role's privileges on %s: %w", redact.ConnString(adminURL), err)
	}
	if !allowed {
		admin.Close(context.Background())
		return nil, noCreateDB(role)
	}
	s.Name = cmp.Or(opt.Name, ScratchPrefix+RandomHex(8))
	s.URL = WithDatabase(adminURL, s.Name)
	create := "CREATE DATABASE " + quoteIdent(s.Name) + " TEMPLATE template0"
	if opt.Owner != "" {
		create += " OWNER " + quoteIdent(opt.Owner)
	}
	if _, err := admin.Exec(ctx, create); err != nil {
		// A cancelled CREATE DATABASE may have committed: drop to be sure.
		_ = s.Drop(ctx)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42501" {
			return nil, noCreateDB(role)
		}
		return nil, fmt.Errorf("creating scratch database %s on %s: %w", s.Name, redact.ConnString(adminURL), err)
	}
	return s, nil
}

func noCreateDB(role string) error { return &noCreateDBError{role: role} }

type noCreateDBError struct{ role string }

func (e *noCreateDBError) Error() string {
	return fmt.Sprintf("role %q may not create databases (it lacks CREATEDB), and a scratch database is created and dropped on this server: grant it with ALTER ROLE %s CREATEDB",
		e.role, quoteIdent(e.role))
}

func (e *noCreateDBError) Unwrap() error { return ErrNoCreateDB }

// quoteIdent quotes a name for SQL only where PostgreSQL needs it.
func quoteIdent(name string) string {
	plain := name != "" && (name[0] < '0' || name[0] > '9')
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			plain = false
		}
	}
	if plain {
		return name
	}
	return pgx.Identifier{name}.Sanitize()
}

// RandomHex is n random bytes in hex: the unique part of the names of
// throwaway databases and roles.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail
	return hex.EncodeToString(b)
}

// Connect opens a connection to the scratch database.
func (s *Scratch) Connect(ctx context.Context) (*pgx.Conn, error) {
	return Connect(ctx, s.URL)
}

// Drop terminates every other session on the scratch database and drops
// it (WITH (FORCE) on 13 and newer). It ignores ctx's cancellation and
// uses its own deadline, so it can run as cleanup after a timeout or a
// signal. Calling it again does nothing.
func (s *Scratch) Drop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropped {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dropTimeout)
	defer cancel()
	err := s.drop(ctx)
	if err != nil && ctx.Err() == nil && (s.admin == nil || s.admin.IsClosed()) {
		// The kept connection may have died unnoticed (a server's idle
		// timeout, a restart): once more on a fresh one.
		s.closeAdmin(ctx)
		err = s.drop(ctx)
	}
	s.closeAdmin(ctx)
	if err != nil {
		return fmt.Errorf("dropping scratch database %s: %w (drop it by hand: DROP DATABASE %s)", s.Name, err, quoteIdent(s.Name))
	}
	s.dropped = true
	return nil
}

func (s *Scratch) closeAdmin(ctx context.Context) {
	if s.admin != nil {
		_ = s.admin.Close(ctx)
		s.admin = nil
	}
}

func (s *Scratch) drop(ctx context.Context) error {
	if s.admin == nil || s.admin.IsClosed() {
		// A cancelled query closes pgx's connection: reconnect.
		admin, err := Connect(ctx, s.adminURL)
		if err != nil {
			return err
		}
		s.admin = admin
	}
	// Other sessions (a migration tool still connected, a test that
	// forgot to close) would make DROP DATABASE fail.
	_, err := s.admin.Exec(ctx,
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", s.Name)
	if err != nil && s.admin.IsClosed() {
		return err // connection trouble; a permission error is fine here
	}
	drop := "DROP DATABASE IF EXISTS " + quoteIdent(s.Name)
	if s.Version >= 13 {
		drop += " WITH (FORCE)"
	}
	var pgErr *pgconn.PgError
	for {
		_, err = s.admin.Exec(ctx, drop)
		// Before 13, terminated backends may take a moment to leave.
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// WithDatabase returns connection string conn pointed at database db: the
// path of a URL (any dbname parameter removed), or a dbname keyword
// appended to a DSN (libpq takes the last one).
func WithDatabase(conn, db string) string {
	if !isURL(conn) {
		if strings.TrimSpace(conn) == "" {
			return "dbname=" + quoteDSN(db)
		}
		return conn + " dbname=" + quoteDSN(db)
	}
	base, query, hasQuery := strings.Cut(conn, "?")
	fragment := ""
	if i := strings.Index(query, "#"); i >= 0 {
		query, fragment = query[:i], query[i:]
	}
	if !hasQuery {
		if i := strings.Index(base, "#"); i >= 0 {
			base, fragment = base[:i], base[i:]
		}
	}
	scheme := strings.Index(base, "://") + 3
	authority := base[scheme:]
	// The path starts at the first / after the userinfo.
	from := strings.LastIndex(authority, "@") + 1
	if i := strings.Index(authority[from:], "/"); i >= 0 {
		authority = authority[:from+i]
	}
	out := base[:scheme] + authority + "/" + url.PathEscape(db)
	if hasQuery {
		var kept []string
		for _, p := range strings.Split(query, "&") {
			if k, _, _ := strings.Cut(p, "="); k == "dbname" || p == "" {
				continue
			}
			kept = append(kept, p)
		}
		if len(kept) > 0 {
			out += "?" + strings.Join(kept, "&")
		}
	}
	return out + fragment
}

// isURL reports whether conn is a URL as pgx reads one (anything else
// is a key=value DSN to it).
func isURL(conn string) bool {
	return strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://")
}

func quoteDSN(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n'\\") {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
