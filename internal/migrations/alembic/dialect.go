package alembic

import (
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/cond"
)

// Conditions on the database a revision runs on are decided as
// PostgreSQL ("postgresql" is the dialect's name): the dialect or engine
// name of the migration's connection compared, tested with in,
// startswith or endswith, combined with and, or and not; an application
// helper named for the question (is_sqlite(op.get_bind()), mailman's) by
// its name. Branches no condition decides are translated, recorded as
// undecided (findings there are at most warnings).

// dialectName is the name SQLAlchemy's PostgreSQL dialect reports.
const dialectName = "postgresql"

// boolOp decides x and y, x or y with three-valued logic.
func (t *translator) boolOp(c *expr) (bool, bool) {
	a, aok := t.truth(c.x)
	b, bok := t.truth(c.y)
	if c.name == "and" {
		return cond.And(a, aok, b, bok)
	}
	return cond.Or(a, aok, b, bok)
}

// dbHelpers are the names applications give the question "is this that
// database?", with the answer on PostgreSQL.
var dbHelpers = map[string]bool{
	"is_postgresql": true, "is_postgres": true, "is_pg": true,
	"is_sqlite": false, "is_mysql": false, "is_mariadb": false, "is_mssql": false, "is_oracle": false,
}

// dialectCall decides name.startswith(...), name.endswith(...) on the
// dialect name, and a helper of dbHelpers given the connection.
func (t *translator) dialectCall(c *expr) (bool, bool) {
	fn := c.x
	if fn.kind == exprAttr && (fn.name == "startswith" || fn.name == "endswith") && t.isDialectName(fn.x) && len(c.args) == 1 {
		var prefixes []*expr
		if items, ok := t.items(c.args[0]); ok {
			prefixes = items
		} else {
			prefixes = c.args
		}
		for _, p := range prefixes {
			s, ok := t.literal(p)
			if !ok {
				return false, false
			}
			if fn.name == "startswith" && strings.HasPrefix(dialectName, s) || fn.name == "endswith" && strings.HasSuffix(dialectName, s) {
				return true, true
			}
		}
		return false, true
	}
	name := t.qualify(fn)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if answer, ok := dbHelpers[name]; ok && len(c.args) == 1 && (t.isConnection(c.args[0]) || t.isEngineOrInspector(c.args[0])) {
		return answer, true
	}
	return false, false
}

// isEngineOrInspector reports conn.engine and sa.inspect(conn): objects
// whose .dialect is the connection's.
func (t *translator) isEngineOrInspector(e *expr) bool {
	e = t.resolve(e)
	if e == nil {
		return false
	}
	if e.kind == exprAttr && e.name == "engine" && t.isConnection(e.x) {
		return true
	}
	if e.kind == exprCall && len(e.args) == 1 && t.isConnection(e.args[0]) {
		q := t.qualify(e.x)
		return q == "inspect" || strings.HasSuffix(q, ".inspect")
	}
	return false
}

// fold turns a condition it can decide into True or False, and a
// conditional expression into its branch, so that names bound to them
// (is_sqlite = bind.dialect.name == "sqlite") read as constants.
func (t *translator) fold(e *expr) *expr {
	if e == nil {
		return e
	}
	switch e.kind {
	case exprCompare, exprNot, exprBoolOp, exprCall:
		if e.kind == exprCall && !t.isCondition(e) {
			return e
		}
		if v, ok := t.truth(e); ok {
			text := "False"
			if v {
				text = "True"
			}
			return &expr{kind: exprBool, text: text, start: e.start, end: e.end}
		}
	}
	return e
}

// isCondition reports a call truth can decide (so that folding it does
// not lose a call that does something).
func (t *translator) isCondition(c *expr) bool {
	_, ok := t.dialectCall(c)
	return ok
}

// undecidedBlock records the span of a block no condition decided.
func (t *translator) undecidedBlock(b []*stmt) {
	if len(b) == 0 {
		return
	}
	t.undecided = append(t.undecided, t.file.Span(b[0].start, b[len(b)-1].end))
}
