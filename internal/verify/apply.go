package verify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Lock is a table-level lock a statement took on a relation that existed
// before the pending migrations.
type Lock struct {
	Relation string       `json:"relation"`
	Kind     string       `json:"kind"` // table, index, view, ...
	Mode     ops.LockMode `json:"mode"`
}

// Comparison puts what the static rules assume about one relation
// (ops.Op.Lock and Rewrite) next to what the server did.
type Comparison struct {
	Relation        string       `json:"relation"`
	AssumedLock     ops.LockMode `json:"assumed_lock"`
	ObservedLock    ops.LockMode `json:"observed_lock"`
	AssumedRewrite  bool         `json:"assumed_rewrite"`
	ObservedRewrite bool         `json:"observed_rewrite"`
}

// How a statement's locks were read.
const (
	// ObservedInTransaction: from pg_locks while the statement's
	// transaction was still open (the tool's, or one verify opened).
	ObservedInTransaction = "in transaction"
	// ObservedWhileRunning: sampled while a statement that cannot run in
	// a transaction block (CREATE INDEX CONCURRENTLY, VACUUM) ran, held
	// up at its first lock by a conflicting one verify took.
	ObservedWhileRunning = "while running"
)

// Statement is one pending statement as the server ran it.
type Statement struct {
	File string      `json:"file"`
	Line int         `json:"line"`
	Span source.Span `json:"-"`
	SQL  string      `json:"sql"`
	// InTransaction is true when the statement ran inside a transaction
	// block (the tool's or the migration's own BEGIN).
	InTransaction bool `json:"in_transaction"`
	// Observed says how the locks were read (empty: transaction control,
	// or not run).
	Observed string `json:"observed,omitempty"`
	// Locks are the locks the statement itself took (not those earlier
	// statements of its transaction already held) on relations that
	// existed before the pending migrations.
	Locks []Lock `json:"locks"`
	// Rewrites are the relations whose relfilenode changed.
	Rewrites []string `json:"rewrites,omitempty"`
	// Duration is how long the statement ran here, on an empty schema.
	Duration   time.Duration `json:"-"`
	DurationMS float64       `json:"duration_ms"`
	Error      string        `json:"error,omitempty"`
	// Static compares the rules' assumptions with the server.
	Static []Comparison `json:"static,omitempty"`
	// Skipped says why the statement was not run.
	Skipped string `json:"skipped,omitempty"`
	// RolledBack is true when a later statement of its transaction
	// failed, which undid it: it changed nothing the queries see.
	RolledBack bool `json:"rolled_back,omitempty"`

	truncate bool // TRUNCATE gives a table a new relfilenode without rewriting it
}

// applier runs statements on the migrating connection and watches them
// from a second one.
type applier struct {
	observer string    // connection string of the observing and lock-holding connections
	m        *pgx.Conn // migrating
	o        *pgx.Conn // observing
	pid      uint32
	ver      int

	baseline map[uint32]bool     // relations before the pending migrations
	rels     map[uint32]relation // relations after the last statement
	held     map[lockKey]bool    // locks held in the open transaction
}

func newApplier(ctx context.Context, url, observer string, ver int) (*applier, error) {
	a := &applier{observer: cmp.Or(observer, url), ver: ver, held: map[lockKey]bool{}}
	var err error
	if a.m, err = pgdb.Connect(ctx, url); err != nil {
		return nil, err
	}
	if a.o, err = pgdb.Connect(ctx, a.observer); err != nil {
		a.close()
		return nil, err
	}
	a.pid = a.m.PgConn().PID()
	if a.rels, err = relations(ctx, a.m); err != nil {
		a.close()
		return nil, err
	}
	a.baseline = map[uint32]bool{}
	for oid := range a.rels {
		a.baseline[oid] = true
	}
	return a, nil
}

func (a *applier) close() {
	ctx := context.Background()
	for _, c := range []*pgx.Conn{a.m, a.o} {
		if c != nil {
			_ = c.Close(ctx)
		}
	}
}

// Applied is what applying the pending migrations gave.
type Applied struct {
	Statements []Statement
	// Failure is the statement that failed; the migrations after it were
	// not applied, as the migration tool would stop there.
	Failure *Failure
	// NotApplied lists the migrations left out after a failure.
	NotApplied []string
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// PGVersion is the version the rules assume, for Statement.Static
	// (0: the default).
	PGVersion int
	// Observer connects the connections that watch the migrating one
	// and hold locks on its tables (empty: the migrating URL). In the
	// sandbox they are the superuser's, so that a migration, which runs
	// as the database's owner, cannot end them.
	Observer string
}

// Apply applies migrations to the database url names, as the role url
// logs in as, in order, statement by statement, each in the transaction
// mode its tool uses, and stops at the first statement PostgreSQL
// rejects. A framework migration runs as the SQL its translation carries
// (Migration.SQL). For each statement it records, from a second
// connection while the statement's transaction is open, the locks it
// took on relations that existed before Apply began, which of them it
// rewrote, and how long it ran.
func Apply(ctx context.Context, url string, ms []*migration.Migration, opt ApplyOptions) (*Applied, error) {
	a, err := newApplier(ctx, url, opt.Observer, opt.PGVersion)
	if err != nil {
		return nil, err
	}
	defer a.close()
	return a.applyAll(ctx, ms)
}

// applyAll applies migrations in order and stops at the first failure.
func (a *applier) applyAll(ctx context.Context, ms []*migration.Migration) (*Applied, error) {
	out := &Applied{}
	for i, m := range ms {
		apply := a.apply
		if m.Framework && len(m.SQL) > 0 {
			apply = a.applyTranslation
		}
		start := len(out.Statements)
		fail, err := apply(ctx, m, out)
		if err != nil {
			return out, err
		}
		if fail != nil {
			// The failure rolled back the transaction it was in: the
			// migration's statements since its last BEGIN.
			for i := len(out.Statements) - 1; i >= start && out.Statements[i].InTransaction; i-- {
				out.Statements[i].RolledBack = true
			}
			out.Failure = fail
			for _, rest := range ms[i+1:] {
				out.NotApplied = append(out.NotApplied, rest.Path)
			}
			break
		}
	}
	return out, nil
}

// item is a statement or a syntax error, in file order.
type item struct {
	st  *sqlparse.Statement
	err *sqlparse.SyntaxError
}

func (a *applier) apply(ctx context.Context, m *migration.Migration, out *Applied) (*Failure, error) {
	m.Parse() // check let the parse trees go
	var items []item
	for i := range m.Statements {
		items = append(items, item{st: &m.Statements[i]})
	}
	for _, e := range m.SyntaxErrors {
		items = append(items, item{err: e})
	}
	sort.SliceStable(items, func(i, j int) bool { return itemOffset(items[i]) < itemOffset(items[j]) })
	conn := a.m.PgConn()
	if m.Transactional {
		if err := exec(ctx, conn, "BEGIN"); err != nil {
			return nil, err
		}
		clear(a.held)
	}
	var last *Statement
	for _, it := range items {
		if it.err != nil {
			f := syntaxFailure(m.File, it.err)
			return &f, a.rollback(ctx)
		}
		kept, fail, err := a.step(ctx, a.statement, m.File, *it.st, out)
		if fail != nil || err != nil {
			return fail, err
		}
		last = kept
	}
	return a.commit(ctx, m.File, last)
}

// step runs one statement with run and keeps its result in out (kept
// points at it there); a statement PostgreSQL rejects ends the migration,
// rolled back.
func (a *applier) step(ctx context.Context, run func(context.Context, *source.File, sqlparse.Statement) (Statement, *Failure, error), f *source.File, st sqlparse.Statement, out *Applied) (kept *Statement, fail *Failure, err error) {
	s, fail, err := run(ctx, f, st)
	if err != nil {
		return nil, nil, err
	}
	out.Statements = append(out.Statements, s)
	kept = &out.Statements[len(out.Statements)-1]
	if fail != nil {
		return kept, fail, a.rollback(ctx)
	}
	return kept, nil, nil
}

func itemOffset(it item) int {
	if it.st != nil {
		return it.st.Span.Start.Offset
	}
	return it.err.Pos.Offset
}

// rollback ends a failed transaction so the connection can go on.
func (a *applier) rollback(ctx context.Context) error {
	clear(a.held)
	if a.m.PgConn().TxStatus() == 'I' {
		return nil
	}
	err := exec(ctx, a.m.PgConn(), "ROLLBACK")
	if err == nil {
		// Undone: the relations are as before the transaction.
		a.rels, err = relations(ctx, a.m)
	}
	return err
}

// statement runs one statement and observes it. fail is set when
// PostgreSQL rejected it; err when verify itself could not go on.
func (a *applier) statement(ctx context.Context, f *source.File, st sqlparse.Statement) (Statement, *Failure, error) {
	conn := a.m.PgConn()
	s := Statement{File: f.Path, Line: st.Span.Start.Line, Span: st.Span, SQL: oneLineSQL(st.Text), InTransaction: conn.TxStatus() != 'I'}
	if kind := txControl(st.Node); kind != "" {
		start := time.Now()
		err := exec(ctx, conn, st.Text)
		s.Duration = time.Since(start)
		s.DurationMS = ms(s.Duration)
		if kind != "savepoint" {
			clear(a.held)
		}
		if err != nil {
			if ctx.Err() != nil {
				return s, nil, ctx.Err()
			}
			fail := failureAt(f, st, err)
			s.Error = fail.Message
			return s, &fail, nil
		}
		return s, nil, nil
	}
	expect, err := a.expectations(ctx, st)
	if err != nil {
		return s, nil, err
	}
	for _, op := range ops.FromStatements([]sqlparse.Statement{st}, ops.Options{PGVersion: a.ver}) {
		s.truncate = s.truncate || op.Kind == ops.Truncate
	}
	ownTx := false
	if conn.TxStatus() == 'I' {
		// Outside a transaction block the locks go when the statement
		// ends: run it in a transaction of its own, so they can be read.
		if err := exec(ctx, conn, "BEGIN"); err != nil {
			return s, nil, err
		}
		clear(a.held)
		ownTx = true
	}
	start := time.Now()
	err = exec(ctx, conn, st.Text)
	s.Duration = time.Since(start)
	if ctx.Err() != nil {
		return s, nil, ctx.Err()
	}
	if err != nil && ownTx && pgCode(err) == "25001" {
		// CREATE INDEX CONCURRENTLY and friends refuse transaction
		// blocks: undo the attempt and watch it run on its own.
		if err := exec(ctx, conn, "ROLLBACK"); err != nil {
			return s, nil, err
		}
		return a.outside(ctx, f, st, s, expect)
	}
	if err != nil {
		fail := failureAt(f, st, err)
		s.Error = fail.Message
		s.DurationMS = ms(s.Duration)
		return s, &fail, nil
	}
	held, _, err := locksOf(ctx, a.o, a.pid)
	if err != nil {
		return s, nil, err
	}
	after, err := relations(ctx, a.m)
	if err != nil {
		return s, nil, err
	}
	before := a.held
	taken := map[lockKey]bool{}
	for k := range held {
		if !before[k] {
			taken[k] = true
		}
	}
	a.held = held
	s.Observed = ObservedInTransaction
	a.record(&s, taken, before, after, expect)
	if ownTx {
		cstart := time.Now()
		err := exec(ctx, conn, "COMMIT")
		s.Duration += time.Since(cstart)
		clear(a.held)
		if err != nil {
			if ctx.Err() != nil {
				return s, nil, ctx.Err()
			}
			fail := failureAt(f, st, err)
			fail.Message = "at COMMIT: " + fail.Message
			s.Error = fail.Message
			s.DurationMS = ms(s.Duration)
			return s, &fail, nil
		}
	}
	s.DurationMS = ms(s.Duration)
	return s, nil, nil
}

// outside runs a statement that cannot run in a transaction block and
// samples its locks while it runs. So that it cannot slip through
// between two samples, a third connection holds SHARE UPDATE EXCLUSIVE on
// the tables it works on until the statement is seen waiting for it.
func (a *applier) outside(ctx context.Context, f *source.File, st sqlparse.Statement, s Statement, expect []expectation) (Statement, *Failure, error) {
	s.InTransaction = false
	var tables []string
	seenTable := map[uint32]bool{}
	for _, e := range expect {
		t := e.oid
		if r := a.rels[t]; r.table != 0 {
			t = r.table
		}
		if r, ok := a.rels[t]; ok && !seenTable[t] {
			seenTable[t] = true
			tables = append(tables, r.name)
		}
	}
	holder := a.hold(ctx, tables)
	release := func() time.Time {
		if holder != nil {
			_ = exec(ctx, holder.PgConn(), "COMMIT")
			_ = holder.Close(context.Background())
			holder = nil
		}
		return time.Now()
	}
	defer release()

	type result struct {
		err error
		end time.Time
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		err := exec(ctx, a.m.PgConn(), st.Text)
		done <- result{err, time.Now()}
	}()
	seen := map[lockKey]bool{}
	released := start
	var res result
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
poll:
	for {
		select {
		case res = <-done:
			break poll
		case <-tick.C:
		}
		locks, waiting, err := locksOf(ctx, a.o, a.pid)
		if err != nil {
			// The observer failed; let the statement finish unobserved.
			released = release()
			res = <-done
			break
		}
		for k := range locks {
			seen[k] = true
		}
		if holder != nil && ((waiting && len(seen) > 0) || time.Since(start) > 2*time.Second) {
			released = release()
		}
	}
	if ctx.Err() != nil {
		return s, nil, ctx.Err()
	}
	s.Duration = res.end.Sub(released)
	if res.end.Before(released) {
		s.Duration = res.end.Sub(start)
	}
	s.DurationMS = ms(s.Duration)
	if res.err != nil {
		fail := failureAt(f, st, res.err)
		s.Error = fail.Message
		return s, &fail, nil
	}
	after, err := relations(ctx, a.m)
	if err != nil {
		return s, nil, err
	}
	s.Observed = ObservedWhileRunning
	a.record(&s, seen, nil, after, expect)
	clear(a.held)
	return s, nil, nil
}

// hold opens a transaction that holds SHARE UPDATE EXCLUSIVE on tables,
// or returns nil when there is nothing to hold or it cannot.
func (a *applier) hold(ctx context.Context, tables []string) *pgx.Conn {
	if len(tables) == 0 {
		return nil
	}
	h, err := pgdb.Connect(ctx, a.observer)
	if err != nil {
		return nil
	}
	err = exec(ctx, h.PgConn(), "BEGIN; LOCK TABLE "+strings.Join(tables, ", ")+" IN SHARE UPDATE EXCLUSIVE MODE")
	if err != nil {
		_ = h.Close(context.Background())
		return nil
	}
	return h
}

// record fills the statement's locks, rewrites and comparisons from what
// was observed: taken are the locks the statement took, before those its
// transaction held already.
func (a *applier) record(s *Statement, taken, before map[lockKey]bool, after map[uint32]relation, expect []expectation) {
	strongest := map[uint32]ops.LockMode{}
	for k := range taken {
		strongest[k.oid] = max(strongest[k.oid], k.mode)
	}
	for oid, mode := range strongest {
		r, ok := a.rels[oid]
		if !ok || !a.baseline[oid] || r.kind == 't' {
			continue
		}
		s.Locks = append(s.Locks, Lock{Relation: r.name, Kind: kindName(r.kind), Mode: mode})
	}
	slices.SortFunc(s.Locks, func(x, y Lock) int {
		if x.Mode != y.Mode {
			return int(y.Mode - x.Mode)
		}
		return strings.Compare(x.Relation, y.Relation)
	})
	rewritten := map[uint32]bool{}
	if !s.truncate {
		afterByName := map[string]relation{}
		for _, r := range after {
			afterByName[r.name] = r
		}
		for oid := range a.baseline {
			r, ok := a.rels[oid]
			if !ok || r.node == 0 || r.kind == 't' {
				continue
			}
			n, still := after[oid]
			if !still {
				// REINDEX CONCURRENTLY builds a new index under the old
				// name and drops the old one.
				if n, still = afterByName[r.name]; !still || n.kind != r.kind {
					continue
				}
			}
			if n.node != r.node {
				rewritten[oid] = true
				s.Rewrites = append(s.Rewrites, kindName(r.kind)+" "+r.name)
			}
		}
		sort.Strings(s.Rewrites)
	}
	for _, e := range expect {
		c := Comparison{Relation: e.name, AssumedLock: e.lock, AssumedRewrite: e.rewrite}
		// What an operation blocks is decided by its table and the
		// table's indexes: every query on the table opens them all. An
		// index operation counts against the index's table.
		table := e.oid
		if t := a.rels[e.oid].table; e.index && t != 0 {
			table = t
		}
		for oid, r := range a.rels {
			if oid == table || oid == e.oid || r.table == table {
				c.ObservedLock = max(c.ObservedLock, strongest[oid])
				c.ObservedRewrite = c.ObservedRewrite || rewritten[oid]
			}
		}
		if c.ObservedLock < e.lock && (before[lockKey{e.oid, e.lock}] || before[lockKey{table, e.lock}]) {
			// Held already by an earlier statement of the transaction:
			// taking it again does not show.
			c.ObservedLock = e.lock
		}
		s.Static = append(s.Static, c)
	}
	a.rels = after
}

// expectation is what the static rules assume one statement does to a
// relation that exists before it.
type expectation struct {
	oid     uint32
	name    string
	lock    ops.LockMode
	rewrite bool
	index   bool // the operation names an index; its lock is on the index's table
	ops     []ops.Op
}

// expectations turns the statement into operations, as the rules see it,
// and resolves the relations they name on the server.
func (a *applier) expectations(ctx context.Context, st sqlparse.Statement) ([]expectation, error) {
	list := ops.FromStatements([]sqlparse.Statement{st}, ops.Options{PGVersion: a.ver})
	type want struct {
		lock    ops.LockMode
		rewrite bool
		index   bool
		ops     []ops.Op
	}
	byName := map[string]*want{}
	var names []string
	for _, op := range list {
		n, index := op.Table, false
		if n.Name == "" {
			switch op.Kind {
			case ops.DropIndex, ops.RenameIndex, ops.Reindex, ops.AlterTableOther:
				n, index = op.Object, true
			}
		}
		if n.Name == "" || op.Kind == ops.Other {
			continue
		}
		key := pgx.Identifier{n.Name}.Sanitize()
		if n.Schema != "" {
			key = pgx.Identifier{n.Schema, n.Name}.Sanitize()
		}
		w := byName[key]
		if w == nil {
			w = &want{index: index}
			byName[key] = w
			names = append(names, key)
		}
		w.lock = max(w.lock, op.Lock)
		w.rewrite = w.rewrite || op.Rewrite
		w.ops = append(w.ops, op)
	}
	if len(names) == 0 {
		return nil, nil
	}
	// The simple protocol: a migration may DEALLOCATE ALL or DISCARD, which
	// would pull prepared statements from under the driver's cache.
	rows, err := a.m.Query(ctx, "SELECT n, to_regclass(n)::oid FROM unnest($1::text[]) n", pgx.QueryExecModeSimpleProtocol, names)
	if err != nil {
		return nil, fmt.Errorf("resolving relations: %w", err)
	}
	var out []expectation
	var name string
	var oid *uint32
	_, err = pgx.ForEachRow(rows, []any{&name, &oid}, func() error {
		if oid == nil || !a.baseline[*oid] {
			return nil // new in the pending set, or missing: PostgreSQL will say
		}
		w := byName[name]
		r := a.rels[*oid]
		out = append(out, expectation{oid: *oid, name: r.name, lock: w.lock, rewrite: w.rewrite, index: w.index, ops: w.ops})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("resolving relations: %w", err)
	}
	// ALTER COLUMN TYPE rewrites unless the old type is binary
	// compatible: the rules read the old type from the catalog, here it
	// comes from the server.
	for i, e := range out {
		for _, op := range e.ops {
			if op.Kind != ops.AlterColumnType || op.Type == nil {
				continue
			}
			old, ok, err := a.columnType(ctx, e.oid, op.Column)
			if err != nil {
				return nil, err
			}
			if !ok || !ops.BinaryCompatible(old, *op.Type) || op.Using != "" {
				out[i].rewrite = true
			}
		}
	}
	return out, nil
}

// columnType reads a column's type as the rules spell it.
func (a *applier) columnType(ctx context.Context, rel uint32, column string) (ops.Type, bool, error) {
	var typ string
	err := a.m.QueryRow(ctx, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1 AND attname = $2 AND NOT attisdropped",
		pgx.QueryExecModeSimpleProtocol, rel, column).Scan(&typ)
	if errors.Is(err, pgx.ErrNoRows) {
		return ops.Type{}, false, nil
	}
	if err != nil {
		return ops.Type{}, false, fmt.Errorf("reading the type of %s: %w", column, err)
	}
	return parseType(typ)
}

// parseType reads a type as format_type prints it, through the same
// parser and canonical names the rules use.
func parseType(typ string) (ops.Type, bool, error) {
	res := sqlparse.Parse(source.NewFile("", []byte("ALTER TABLE t ALTER COLUMN c TYPE "+typ)))
	if len(res.Statements) != 1 {
		return ops.Type{}, false, nil
	}
	for _, op := range ops.FromStatements(res.Statements, ops.Options{}) {
		if op.Type != nil {
			return *op.Type, true, nil
		}
	}
	return ops.Type{}, false, nil
}

// txControl names a transaction control statement: "begin", "end" or
// "savepoint"; "" for anything else.
func txControl(n *pg.Node) string {
	t := n.GetTransactionStmt()
	if t == nil {
		return ""
	}
	switch t.Kind {
	case pg.TransactionStmtKind_TRANS_STMT_BEGIN, pg.TransactionStmtKind_TRANS_STMT_START:
		return "begin"
	case pg.TransactionStmtKind_TRANS_STMT_SAVEPOINT, pg.TransactionStmtKind_TRANS_STMT_RELEASE, pg.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		return "savepoint"
	}
	return "end"
}

func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

func pgMessage(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	return err.Error()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// oneLineSQL is a statement's text on one line, cut like a snippet.
func oneLineSQL(text string) string {
	return refs.Snippet(strings.Join(strings.Fields(text), " "))
}
