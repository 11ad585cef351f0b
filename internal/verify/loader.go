package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// loader builds the previous schema in a sandbox database: every
// statement runs as the database's owner, like the pending migrations
// after it, except an extension statement the owner may not run (an
// extension that is not trusted, a comment on one): that one the
// superuser runs, since the previous schema is what the deployed
// database already has and the extension's script is the server's own.
type loader struct {
	conn     *pgx.Conn // as the owner
	adminURL string
	admin    *pgx.Conn // opened on first need
}

func newLoader(ctx context.Context, db *database) (*loader, error) {
	conn, err := pgdb.Connect(ctx, db.URL)
	if err != nil {
		return nil, err
	}
	return &loader{conn: conn, adminURL: db.AdminURL}, nil
}

func (l *loader) pg() *pgconn.PgConn { return l.conn.PgConn() }

func (l *loader) close(ctx context.Context) {
	for _, c := range []*pgx.Conn{l.conn, l.admin} {
		if c != nil {
			_ = c.Close(context.WithoutCancel(ctx))
		}
	}
}

// exec runs one statement as the owner, or, for an extension statement
// refused for lack of privilege, as the superuser with the owner's
// search_path. Inside a transaction block the owner's attempt runs in a
// savepoint, so that its failure does not end the block.
func (l *loader) exec(ctx context.Context, st sqlparse.Statement) error {
	conn := l.pg()
	if !extensionStatement(st.Node) {
		return exec(ctx, conn, st.Text)
	}
	inTx := conn.TxStatus() == 'T'
	if inTx {
		if err := exec(ctx, conn, "SAVEPOINT schemagate_extension"); err != nil {
			return err
		}
	}
	err := exec(ctx, conn, st.Text)
	if pgCode(err) != "42501" {
		if inTx && err == nil {
			err = exec(ctx, conn, "RELEASE SAVEPOINT schemagate_extension")
		}
		return err
	}
	if inTx {
		if err := exec(ctx, conn, "ROLLBACK TO SAVEPOINT schemagate_extension; RELEASE SAVEPOINT schemagate_extension"); err != nil {
			return err
		}
	}
	var path string
	if err := l.conn.QueryRow(ctx, "SELECT current_setting('search_path')", pgx.QueryExecModeSimpleProtocol).Scan(&path); err != nil {
		return fmt.Errorf("reading search_path: %w", err)
	}
	if l.admin == nil {
		if l.admin, err = pgdb.Connect(ctx, l.adminURL); err != nil {
			return err
		}
	}
	if _, err := l.admin.Exec(ctx, "SELECT pg_catalog.set_config('search_path', $1, false)", path); err != nil {
		return fmt.Errorf("setting search_path: %w", err)
	}
	if err := exec(ctx, l.admin.PgConn(), st.Text); err != nil {
		return err
	}
	if x := st.Node.GetCreateExtensionStmt(); x != nil && slices.Contains(connectingExtensions, x.Extname) {
		return l.revokeExecute(ctx, x.Extname)
	}
	return nil
}

// connectingExtensions open connections to other servers for anyone
// who may run their functions and knows a password (dblink;
// postgres_fdw needs USAGE on its wrapper, which only the superuser
// has): from the sandbox that could reach the deployed server. The
// sandbox installs them without EXECUTE for PUBLIC.
var connectingExtensions = []string{"dblink"}

// revokeExecute takes EXECUTE on every function of an extension from
// PUBLIC.
func (l *loader) revokeExecute(ctx context.Context, ext string) error {
	_, err := l.admin.Exec(ctx, `DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT d.objid::regprocedure FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
           WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.classid = 'pg_catalog.pg_proc'::regclass
             AND d.deptype = 'e' AND e.extname = `+quoteLiteral(ext)+`
  LOOP
    EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END $$`)
	if err != nil {
		return fmt.Errorf("taking EXECUTE on the functions of %s from PUBLIC: %w", ext, err)
	}
	return nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// extensionStatement reports whether n creates, changes or comments on
// an extension.
func extensionStatement(n *pg.Node) bool {
	if n == nil {
		return false
	}
	switch x := n.Node.(type) {
	case *pg.Node_CreateExtensionStmt, *pg.Node_AlterExtensionStmt:
		return true
	case *pg.Node_CommentStmt:
		return x.CommentStmt.Objtype == pg.ObjectType_OBJECT_EXTENSION
	}
	return false
}
