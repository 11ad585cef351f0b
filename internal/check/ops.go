package check

import (
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/ops"
)

// opsOf returns the operations of a parsed SQL migration.
func opsOf(m *migrations.Migration, pgVersion int) []ops.Op {
	return ops.FromStatements(m.Statements, ops.Options{Transactional: m.Transactional, PGVersion: pgVersion, File: m.File})
}
