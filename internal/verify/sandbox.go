package verify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/pgdb"
)

// Sandbox is the only server verify runs migrations on: a throwaway
// cluster it starts from the server binaries on this machine, listening
// only on a Unix socket in a temp dir, and removes at the end. Inside
// it, every statement of a release (the previous schema, the pending
// migrations, the running release's queries) runs as a role without
// superuser, CREATEROLE or CREATEDB that owns the one database it works
// in, so PostgreSQL itself refuses what reaches outside that database:
// COPY ... PROGRAM, server files, untrusted languages, ALTER SYSTEM,
// other roles' sessions and settings. The bootstrap superuser only
// creates that role and database, installs extensions while the
// previous schema is built, and watches the locks.
type Sandbox struct {
	// Name describes the server for notes: "embedded PostgreSQL 15 from
	// /usr/lib/postgresql/15/bin".
	Name string
	// Version is the server's major version; Full its version string.
	Version int
	Full    string

	cluster *pgdb.Cluster
}

// sandboxSuperuser is the cluster's bootstrap superuser: not "postgres",
// so a copied database whose owner is postgres gets an owner role of
// that name without superuser.
const sandboxSuperuser = "schemagate_admin"

// OpenSandbox starts a sandbox from the server binaries in binDir
// (empty: pgdb.FindBinaries). Close it on every path, also after ctx
// ends.
func OpenSandbox(ctx context.Context, binDir string) (*Sandbox, error) {
	c, err := pgdb.StartCluster(ctx, pgdb.ClusterOptions{BinDir: binDir, User: sandboxSuperuser})
	if err != nil {
		return nil, err
	}
	s := &Sandbox{cluster: c, Name: fmt.Sprintf("embedded PostgreSQL %d from %s", c.Version, c.BinDir)}
	conn, err := pgdb.Connect(ctx, c.URL("postgres"))
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if s.Version, s.Full, err = pgdb.ServerVersion(ctx, conn); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the cluster and removes its directory. It ignores
// cancellation of the run's context: cleanup happens after a timeout or
// a signal too.
func (s *Sandbox) Close() error {
	return s.cluster.Stop()
}

// database is one database in the sandbox, owned by a role of its own.
type database struct {
	Name  string
	Owner string
	// URL connects as the owner: everything a release brings runs here.
	URL string
	// AdminURL connects as the superuser, with search_path pinned to
	// pg_catalog first: for installing extensions and reading locks only,
	// never for running what a release brings.
	AdminURL string

	sandbox *Sandbox
	scratch *pgdb.Scratch
	roles   []string // the roles created for it, the owner first
}

// ownerAttrs: the owner may do what the owner of a database may, and
// nothing that reaches outside it.
const ownerAttrs = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"

// newDatabase creates a database named name (empty, reserved or taken:
// a scratch name) owned by a new login role named owner (empty,
// reserved or taken: a scratch name) with ownerAttrs. roles are created
// too, as roles that cannot log in, so that statements naming them work
// (a GRANT to the application's role). drop removes the database and the
// owner.
func (s *Sandbox) newDatabase(ctx context.Context, name, owner string, roles []string) (_ *database, err error) {
	adminURL := s.cluster.URL("postgres")
	admin, err := pgdb.Connect(ctx, adminURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	db := &database{sandbox: s}
	defer func() {
		if err != nil {
			_ = db.drop()
		}
	}()
	if owner == "" || owner == sandboxSuperuser || strings.HasPrefix(owner, "pg_") || exists(ctx, admin, "pg_roles", "rolname", owner) {
		owner = "schemagate_owner_" + pgdb.RandomHex(4)
	}
	if _, err := admin.Exec(ctx, "CREATE ROLE "+pgx.Identifier{owner}.Sanitize()+" "+ownerAttrs); err != nil {
		return nil, fmt.Errorf("creating role %s in the sandbox: %w", owner, err)
	}
	db.Owner = owner
	db.roles = append(db.roles, owner)
	for _, r := range roles {
		if r == owner || r == sandboxSuperuser {
			continue
		}
		_, err := admin.Exec(ctx, "CREATE ROLE "+pgx.Identifier{r}.Sanitize()+" NOLOGIN")
		switch {
		case err == nil:
			db.roles = append(db.roles, r)
		case pgCode(err) != "42710": // there already: a sandbox that several runs share
			return nil, fmt.Errorf("copying role %s into the sandbox: %w", r, err)
		}
	}
	if reserved(name) || exists(ctx, admin, "pg_database", "datname", name) {
		name = ""
	}
	if db.scratch, err = pgdb.NewScratchWith(ctx, adminURL, pgdb.ScratchOptions{Name: name, Owner: owner}); err != nil {
		return nil, err
	}
	db.Name = db.scratch.Name
	db.URL = s.roleURL(db.Name, db.Owner, nil)
	db.AdminURL = s.roleURL(db.Name, sandboxSuperuser, url.Values{"search_path": {"pg_catalog, public"}})
	return db, nil
}

// roleURL connects to database db of the sandbox as role, with extra
// query parameters (pgx passes unknown ones as run-time settings).
func (s *Sandbox) roleURL(db, role string, extra url.Values) string {
	u, _ := url.Parse(s.cluster.URL(db))
	u.User = url.User(role)
	q := u.Query()
	for k, v := range extra {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// reserved: names of databases every cluster has.
func reserved(name string) bool {
	return name == "" || slices.Contains([]string{"postgres", "template0", "template1"}, name)
}

// exists reports whether catalog has a row whose column is name; on
// error it says yes, so that a fresh name is taken.
func exists(ctx context.Context, admin *pgx.Conn, catalog, column, name string) bool {
	var n int
	err := admin.QueryRow(ctx, "SELECT count(*) FROM "+catalog+" WHERE "+column+" = $1", name).Scan(&n)
	return err != nil || n > 0
}

// dropJoin drops the database when a run ends, joining a failure to the
// run's error *err.
func (db *database) dropJoin(err *error) {
	if derr := db.drop(); derr != nil {
		*err = errors.Join(*err, derr)
	}
}

// drop removes the database and the roles made for it: the cluster goes with
// Sandbox.Close anyway, this keeps a sandbox that several runs share
// clean. It works after the run's context ended, like Close.
func (db *database) drop() error {
	var errs []error
	if db.scratch != nil {
		if err := db.scratch.Drop(context.Background()); err != nil {
			errs = append(errs, err)
		}
	}
	if len(db.roles) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgdb.Connect(ctx, db.sandbox.cluster.URL("postgres"))
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		defer admin.Close(ctx)
		// What the migrations gave a role elsewhere (ALTER ROLE SET,
		// memberships) goes with it; a privilege on an object the
		// sandbox keeps would make this fail, and the cluster's removal
		// ends it anyway.
		for _, r := range db.roles {
			_, _ = admin.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{r}.Sanitize())
		}
	}
	return errors.Join(errs...)
}
