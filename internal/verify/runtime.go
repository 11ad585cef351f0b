package verify

import (
	"context"
	"strings"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/sqlref"
)

// RuntimeFile is the File of runtime references; their Line is the
// statement's rank in pg_stat_statements, most called first.
const RuntimeFile = "pg_stat_statements"

// RuntimeReferences reads the normalised query texts pg_stat_statements
// recorded for the database url names (read-only) and resolves each, as
// any SQL of a release is, into references of source kind runtime with
// their call counts: the queries no source file shows (dynamic SQL,
// other services on the same database). skipped counts the texts that
// did not parse.
func RuntimeReferences(ctx context.Context, url string) (out []refs.Reference, skipped int, err error) {
	conn, err := pgdb.ConnectReadOnly(ctx, url)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	stmts, err := pgdb.StatStatements(ctx, conn)
	if err != nil {
		return nil, 0, err
	}
	for i, s := range stmts {
		found, err := sqlref.Resolve(s.Query)
		if err != nil {
			skipped++
			continue
		}
		snippet := refs.Snippet(strings.Join(strings.Fields(s.Query), " "))
		for _, r := range found {
			r.Source = refs.Runtime
			r.File = RuntimeFile
			r.Line = i + 1
			r.Col = 0
			r.Snippet = snippet
			r.Calls = s.Calls
			out = append(out, r)
		}
	}
	return out, skipped, nil
}

// WithRuntime returns idx with the runtime references added.
func WithRuntime(idx *refs.Index, runtime []refs.Reference) *refs.Index {
	if len(runtime) == 0 {
		return idx
	}
	var all []refs.Reference
	if idx != nil {
		all = append(all, idx.Refs...)
	}
	return refs.NewIndex(append(all, runtime...))
}
