package rules

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// RequireLockTimeout flags ACCESS EXCLUSIVE locks taken without a
// lock_timeout.
var RequireLockTimeout = &Rule{
	Name:     "require-lock-timeout",
	Severity: Warning,
	Category: Locking,
	Summary:  "a statement that takes ACCESS EXCLUSIVE without lock_timeout can stall every query on the table",
	Doc:      `Even an instant ALTER TABLE must first acquire ACCESS EXCLUSIVE. While it waits behind a long-running query (a report, a stuck transaction), every new query on the table of the running release queues behind it: a few seconds of waiting becomes an outage. SET lock_timeout makes the migration give up (and be retried) instead. Set it before the first statement that takes ACCESS EXCLUSIVE on an existing table; SET LOCAL applies until the end of the transaction.`,
	Bad:      "ALTER TABLE users ADD COLUMN nickname text;",
	Good:     "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;",
	Steps: []string{
		"SET lock_timeout = '5s'; (or SET LOCAL inside the migration's transaction)",
		"Run the statement; retry the migration if it times out.",
	},
	Run: func(p *Pass) {
		var st lockTimeoutState
		reported := map[int]bool{}
		held := map[string]bool{} // tx + table already locked: no more waiting
		for _, op := range p.Ops() {
			st.apply(op)
			if op.Kind == ops.Commit || op.Kind == ops.Rollback {
				held = map[string]bool{}
			}
			if op.Lock != ops.AccessExclusive || op.Table.Name == "" || p.IsNew(op) || reported[op.Stmt] || st.set(op) {
				continue
			}
			key := fmt.Sprint(op.Tx, op.Table.Key())
			if op.InTransaction && held[key] {
				continue // the transaction already holds the lock
			}
			held[key] = true
			reported[op.Stmt] = true
			f := Finding{
				Span:    op.Span,
				Message: fmt.Sprintf("%s takes an ACCESS EXCLUSIVE lock on %s without a lock_timeout: while it waits, every query on the table waits too", describe(op), qname(op.Table)),
				Hint: hintIn(p.Migration.Format, "SET lock_timeout = '5s'; before it",
					"set lock_timeout for migrations (database.yml variables: { lock_timeout: '5s' }, or execute \"SET lock_timeout = '5s'\" first), then set lock-timeout-set: true in schemagate.yaml",
					"migrations.RunSQL(\"SET lock_timeout = '5s'\") first (or the connection's options), then lock-timeout-set: true in schemagate.yaml",
					"op.execute(\"SET lock_timeout = '5s'\") first (or in env.py), then lock-timeout-set: true in schemagate.yaml"),
			}
			if !p.Migration.Framework {
				at := op.Span.Start.Offset
				f.Fixes = []Fix{{Title: "Insert SET lock_timeout", Edits: []Edit{{Start: at, End: at, Text: "SET lock_timeout = '5s';\n"}}}}
			}
			p.ReportFinding(f)
		}
	},
}

// lockTimeoutState follows SET lock_timeout through a migration: a plain
// SET lasts for the session, SET LOCAL until the transaction ends.
type lockTimeoutState struct {
	session, local bool
	localTx        int
}

func (s *lockTimeoutState) apply(op *ops.Op) {
	switch op.Kind {
	case ops.Commit, ops.Rollback:
		s.local = false
	case ops.Set:
		if op.Setting != "lock_timeout" {
			return
		}
		on := timeoutEnabled(op.Value)
		if op.Local {
			s.local, s.localTx = on, op.Tx
		} else {
			s.session = on
		}
	}
}

func (s *lockTimeoutState) set(op *ops.Op) bool {
	return s.session || (s.local && s.localTx == op.Tx && op.Tx != 0)
}

func timeoutEnabled(v string) bool {
	v = strings.TrimSpace(strings.ToLower(v))
	switch v {
	case "", "0", "0s", "0ms", "default":
		return false
	}
	return true
}
