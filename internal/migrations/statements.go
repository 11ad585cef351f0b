package migrations

import (
	"bytes"

	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// parseRegions parses the regions of a file. It is used only to decide
// how a tool runs the file (how many statements, whether some must run
// outside a transaction); the caller still parses the migration itself.
func parseRegions(f *source.File, regions []migration.Region) sqlparse.Result {
	var all sqlparse.Result
	for _, r := range regions {
		res := sqlparse.ParseRegion(f, r.Start, r.End)
		all.Statements = append(all.Statements, res.Statements...)
		all.Errors = append(all.Errors, res.Errors...)
	}
	return all
}

// statementCount counts the top-level statements in the regions; a
// statement PostgreSQL rejects still counts as one. It splits without
// parsing: discovery must stay cheap, the linter parses once later.
func statementCount(f *source.File, regions []migration.Region) int {
	n := 0
	for _, r := range regions {
		pieces, _ := sqlparse.Split(string(f.Text[r.Start:r.End]))
		n += len(pieces)
	}
	return n
}

// mayNeedNoTransaction is a cheap test for the keywords of statements
// that cannot run in a transaction, so that only files that have one are
// parsed during discovery.
func mayNeedNoTransaction(text []byte) bool {
	lower := bytes.ToLower(text)
	for _, k := range []string{"concurrently", "vacuum", "reindex", "database", "system", "tablespace", "subscription"} {
		if bytes.Contains(lower, []byte(k)) {
			return true
		}
	}
	return false
}

// multiStatementTransactional is how golang-migrate and Prisma run a file
// on PostgreSQL: the whole file is sent as one simple-protocol query, and
// PostgreSQL runs a query string of several statements as one implicit
// transaction (so CREATE INDEX CONCURRENTLY fails there, and a failing
// statement rolls back the ones before it). A single statement runs on
// its own, outside any transaction block.
func multiStatementTransactional(f *source.File, regions []migration.Region) bool {
	return statementCount(f, regions) > 1
}

// cannotRunInTransaction reports whether PostgreSQL refuses to run the
// statement inside a transaction block. Flyway looks for the same
// statements to decide whether a script runs in a transaction.
// ALTER TYPE ... ADD VALUE is left out: PostgreSQL 12 and later run it in
// a transaction.
func cannotRunInTransaction(n *pg.Node) bool {
	switch {
	case n.GetIndexStmt() != nil:
		return n.GetIndexStmt().GetConcurrent()
	case n.GetDropStmt() != nil:
		return n.GetDropStmt().GetConcurrent()
	case n.GetReindexStmt() != nil:
		s := n.GetReindexStmt()
		switch s.GetKind() {
		case pg.ReindexObjectType_REINDEX_OBJECT_SCHEMA, pg.ReindexObjectType_REINDEX_OBJECT_SYSTEM, pg.ReindexObjectType_REINDEX_OBJECT_DATABASE:
			return true
		}
		for _, p := range s.GetParams() {
			if d := p.GetDefElem(); d != nil && d.GetDefname() == "concurrently" {
				return true
			}
		}
		return false
	case n.GetVacuumStmt() != nil:
		return n.GetVacuumStmt().GetIsVacuumcmd()
	case n.GetDiscardStmt() != nil:
		return n.GetDiscardStmt().GetTarget() == pg.DiscardMode_DISCARD_ALL
	case n.GetCreatedbStmt() != nil, n.GetDropdbStmt() != nil,
		n.GetCreateTableSpaceStmt() != nil, n.GetDropTableSpaceStmt() != nil,
		n.GetCreateSubscriptionStmt() != nil, n.GetDropSubscriptionStmt() != nil,
		n.GetAlterSystemStmt() != nil:
		return true
	}
	return false
}

// topLevelSemicolons returns the offsets (relative to text) of the
// semicolons that end statements, as PostgreSQL's scanner sees them
// (not those inside strings, dollar quotes, quoted names or comments).
// ok is false when the text does not scan (an unterminated quote).
func topLevelSemicolons(text []byte) (offsets map[int]bool, ok bool) {
	semis, ok := sqlparse.Semicolons(string(text))
	if !ok {
		return nil, false
	}
	offsets = make(map[int]bool, len(semis))
	for _, s := range semis {
		offsets[s] = true
	}
	return offsets, true
}
