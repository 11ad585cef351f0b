package verify

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/ops"
)

// relation is one row of pg_class in a user schema.
type relation struct {
	name  string // schema-qualified unless in public, quoted as needed
	kind  byte   // pg_class.relkind
	node  uint32 // relfilenode: a new one means the relation was rewritten
	table uint32 // for an index: its table
}

// kindName says what a relkind is, for messages.
func kindName(k byte) string {
	switch k {
	case 'r':
		return "table"
	case 'p':
		return "partitioned table"
	case 'i', 'I':
		return "index"
	case 'v':
		return "view"
	case 'm':
		return "materialized view"
	case 'S':
		return "sequence"
	case 'f':
		return "foreign table"
	case 't':
		return "TOAST table"
	}
	return "relation"
}

// relationsSQL lists the relations of user schemas. The migrating
// connection runs it inside the statement's transaction: a second
// connection would not see the uncommitted pg_class rows.
const relationsSQL = `
SELECT c.oid, c.relfilenode, c.relkind::text,
       CASE WHEN n.nspname = 'public' THEN quote_ident(c.relname) ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END,
       COALESCE(i.indrelid, 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'`

func relations(ctx context.Context, conn *pgx.Conn) (map[uint32]relation, error) {
	rows, err := conn.Query(ctx, relationsSQL, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, fmt.Errorf("reading pg_class: %w", err)
	}
	out := map[uint32]relation{}
	var oid, node, table uint32
	var kind, name string
	_, err = pgx.ForEachRow(rows, []any{&oid, &node, &kind, &name, &table}, func() error {
		out[oid] = relation{name: name, kind: kind[0], node: node, table: table}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading pg_class: %w", err)
	}
	return out, nil
}

// lockKey is one table-level lock mode held on one relation.
type lockKey struct {
	oid  uint32
	mode ops.LockMode
}

// locksSQL reads the relation locks of one backend in the current
// database, with what the backend is waiting for. Locks not yet granted
// count: the backend holds them as soon as it stops waiting.
const locksSQL = `
SELECT l.relation, l.mode, a.wait_event_type
FROM pg_stat_activity a
LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation' AND l.database = a.datid
WHERE a.pid = $1`

// locksOf reads the locks backend pid holds or waits for, and whether it
// is waiting for a lock.
func locksOf(ctx context.Context, obs *pgx.Conn, pid uint32) (map[lockKey]bool, bool, error) {
	rows, err := obs.Query(ctx, locksSQL, pid)
	if err != nil {
		return nil, false, fmt.Errorf("reading pg_locks: %w", err)
	}
	out := map[lockKey]bool{}
	waiting := false
	var oid *uint32
	var mode, wait *string
	_, err = pgx.ForEachRow(rows, []any{&oid, &mode, &wait}, func() error {
		if wait != nil && *wait == "Lock" {
			waiting = true
		}
		if oid != nil && mode != nil {
			if m, ok := ops.ParsePgLocksName(*mode); ok {
				out[lockKey{*oid, m}] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("reading pg_locks: %w", err)
	}
	return out, waiting, nil
}
