package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Query kinds.
const (
	KindQuery       = "query"        // a SQL text of the release
	KindModelSelect = "model-select" // the SELECT of every column an ORM model knows
	KindModelInsert = "model-insert" // the INSERT of those columns
)

// Query is one SQL text of the previous release, prepared on the previous
// schema and again after the pending migrations.
type Query struct {
	Kind    string      `json:"kind"`
	SQL     string      `json:"sql"`
	File    string      `json:"file"`
	Line    int         `json:"line"`
	Column  int         `json:"column,omitempty"`
	Snippet string      `json:"snippet,omitempty"`
	Source  refs.Source `json:"source,omitempty"`
	Calls   int64       `json:"calls,omitempty"`
	// Places counts the places in the release that run this text.
	Places int `json:"places"`
	// Before and After are "ok" or PostgreSQL's error when preparing it.
	Before string `json:"before"`
	After  string `json:"after,omitempty"`
	// ExecBefore and ExecAfter are set for INSERTs: the result of running
	// it with placeholder values in a savepoint that is rolled back.
	ExecBefore string `json:"exec_before,omitempty"`
	ExecAfter  string `json:"exec_after,omitempty"`
	// Broken is true when it worked before and fails after: BrokenBy says
	// how ("prepare", "result" when a column it returned is gone, or
	// "insert").
	Broken   bool   `json:"broken"`
	BrokenBy string `json:"broken_by,omitempty"`
	// Changed lists result columns whose type changed without breaking it.
	Changed []string `json:"changed,omitempty"`

	places    []refs.Reference
	insert    bool
	paramOIDs []uint32
	fields    []pgconn.FieldDescription
	values    [][]byte
	fkOff     []foreignKey   // foreign keys whose check is off while the INSERT runs
	modelRef  refs.Reference // for a model: its reference
	model     *Query         // for a model's INSERT: its SELECT
}

// resultOK is Query.Before, After and Exec* for success.
const resultOK = "ok"

// collectQueries lists the distinct SQL texts of idx and its ORM models,
// each at its first place.
func collectQueries(idx *refs.Index) []*Query {
	var out []*Query
	bySQL := map[string]*Query{}
	byModel := map[string]*Query{}
	for _, r := range idx.Refs {
		switch {
		case r.SQL != "":
			if q := bySQL[r.SQL]; q != nil {
				q.addPlace(r)
				continue
			}
			q := &Query{Kind: KindQuery, SQL: r.SQL}
			q.addPlace(r)
			q.insert = isInsert(r.SQL)
			bySQL[r.SQL] = q
			out = append(out, q)
		case r.Usage == refs.Model && r.Column == "" && r.Table != "":
			key := strings.ToLower(r.Schema+"."+r.Table) + "\x00" + strings.Join(r.Columns, ",") + "\x00" + strings.Join(r.Ignored, ",")
			if q := byModel[key]; q != nil {
				q.addPlace(r)
				continue
			}
			q := &Query{Kind: KindModelSelect, modelRef: r}
			q.addPlace(r)
			byModel[key] = q
			out = append(out, q)
		}
	}
	return out
}

func (q *Query) addPlace(r refs.Reference) {
	for _, p := range q.places {
		if p.File == r.File && p.Line == r.Line {
			return
		}
	}
	if len(q.places) == 0 {
		q.File, q.Line, q.Column, q.Snippet, q.Source = r.File, r.Line, r.Col, r.Snippet, r.Source
	}
	q.Calls += r.Calls
	q.places = append(q.places, r)
	q.Places = len(q.places)
}

// isInsert reports whether sql is an INSERT (possibly under WITH).
func isInsert(sql string) bool {
	tree, err := sqlparse.ParseTree(sql)
	if err != nil || len(tree.Stmts) != 1 {
		return false
	}
	return tree.Stmts[0].Stmt.GetInsertStmt() != nil
}

// modelQueries turns each ORM model into the SELECT of every column it
// knows and the INSERT of those it writes, from the previous schema: an
// ActiveRecord model knows every column the table has (but its
// ignored_columns), other ORMs the fields they map.
func modelQueries(ctx context.Context, conn *pgx.Conn, qs []*Query, ver int) ([]*Query, error) {
	var out []*Query
	for _, q := range qs {
		if q.Kind != KindModelSelect {
			out = append(out, q)
			continue
		}
		r := q.modelRef
		table := pgx.Identifier{r.Table}.Sanitize()
		if r.Schema != "" {
			table = pgx.Identifier{r.Schema, r.Table}.Sanitize()
		}
		cols, err := tableColumns(ctx, conn, table, ver)
		if err != nil {
			return nil, err
		}
		if cols == nil {
			// Not a table of the previous schema: an unresolved model.
			q.SQL = "SELECT * FROM " + table
			out = append(out, q)
			continue
		}
		var sel, ins []string
		for _, c := range cols {
			if refs.ContainsFold(r.Ignored, c.name) || (len(r.Columns) > 0 && !refs.ContainsFold(r.Columns, c.name)) {
				continue
			}
			sel = append(sel, pgx.Identifier{c.name}.Sanitize())
			if !c.generated && !c.autoKey {
				ins = append(ins, pgx.Identifier{c.name}.Sanitize())
			}
		}
		// Mapped columns the table lacks are still what the model asks for.
		for _, c := range r.Columns {
			if !hasColumn(cols, c) {
				sel = append(sel, pgx.Identifier{c}.Sanitize())
				ins = append(ins, pgx.Identifier{c}.Sanitize())
			}
		}
		if len(sel) == 0 {
			continue
		}
		q.SQL = "SELECT " + strings.Join(sel, ", ") + " FROM " + table
		out = append(out, q)
		if len(ins) > 0 {
			params := make([]string, len(ins))
			for i := range ins {
				params[i] = fmt.Sprintf("$%d", i+1)
			}
			iq := *q
			iq.Kind = KindModelInsert
			iq.insert = true
			iq.model = q
			iq.SQL = "INSERT INTO " + table + " (" + strings.Join(ins, ", ") + ") VALUES (" + strings.Join(params, ", ") + ")"
			out = append(out, &iq)
		}
	}
	return out, nil
}

type column struct {
	name      string
	generated bool // generated, or identity ALWAYS: not written by an ORM
	autoKey   bool // a primary key column the database fills
}

// tableColumns lists a table's columns in order; nil when there is no
// such table.
func tableColumns(ctx context.Context, conn *pgx.Conn, table string, ver int) ([]column, error) {
	generated := "a.attidentity = 'a'"
	if ver >= 12 {
		generated += " OR a.attgenerated <> ''"
	}
	rows, err := conn.Query(ctx, `
		SELECT a.attname, `+generated+`,
		       (a.atthasdef OR a.attidentity <> '') AND EXISTS (
		           SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey))
		FROM pg_attribute a
		WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
		ORDER BY a.attnum`, table)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
	}
	var out []column
	var c column
	_, err = pgx.ForEachRow(rows, []any{&c.name, &c.generated, &c.autoKey}, func() error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
	}
	return out, nil
}

func hasColumn(cols []column, name string) bool {
	for _, c := range cols {
		if strings.EqualFold(c.name, name) {
			return true
		}
	}
	return false
}

// prepareBefore prepares every query on the previous schema, keeping the
// parameter types PostgreSQL inferred: the running release binds values
// of those types.
func prepareBefore(ctx context.Context, conn *pgconn.PgConn, qs []*Query) error {
	for _, q := range qs {
		d, rejected, err := prepare(ctx, conn, q.SQL, nil)
		if err != nil {
			return err
		}
		if d == nil {
			q.Before = rejected
			continue
		}
		q.Before = resultOK
		q.paramOIDs = d.ParamOIDs
		q.fields = d.Fields
	}
	return nil
}

// prepareAfter prepares the queries that worked before again, with the
// parameter types they had: a query whose column changed type then fails
// as it would for the running release ("operator does not exist: text <
// integer"). A result column that is gone breaks the code that reads it.
func prepareAfter(ctx context.Context, conn *pgconn.PgConn, qs []*Query) error {
	for _, q := range qs {
		if q.Before != resultOK {
			continue
		}
		d, rejected, err := prepare(ctx, conn, q.SQL, q.paramOIDs)
		if err != nil {
			return err
		}
		if d == nil {
			q.After = rejected
			q.Broken, q.BrokenBy = true, "prepare"
			continue
		}
		q.After = resultOK
		after := map[string]uint32{}
		for _, f := range d.Fields {
			after[f.Name] = f.DataTypeOID
		}
		var gone []string
		for _, f := range q.fields {
			t, still := after[f.Name]
			switch {
			case !still:
				gone = append(gone, f.Name)
			case t != f.DataTypeOID:
				q.Changed = append(q.Changed, fmt.Sprintf("%s: %s -> %s", f.Name, typeName(ctx, conn, f.DataTypeOID), typeName(ctx, conn, t)))
			}
		}
		if len(gone) > 0 {
			q.Broken, q.BrokenBy = true, "result"
			q.After = fmt.Sprintf("prepares, but no longer returns %s", quoteList(gone))
		}
	}
	return nil
}

// typeName is a type's name as PostgreSQL prints it.
func typeName(ctx context.Context, conn *pgconn.PgConn, oid uint32) string {
	res := conn.ExecParams(ctx, "SELECT format_type($1, NULL)", [][]byte{[]byte(fmt.Sprint(oid))}, []uint32{26}, nil, nil).Read()
	if res.Err != nil || len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return fmt.Sprintf("type %d", oid)
	}
	return string(res.Rows[0][0])
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `column "` + n + `"`
	}
	return strings.Join(q, ", ")
}

// prepare prepares sql with the parameter types paramOIDs. A statement
// PostgreSQL refuses gives no description and the server's message
// (rejected); err is for what stops the run (the context ended, the
// connection broke).
func prepare(ctx context.Context, conn *pgconn.PgConn, sql string, paramOIDs []uint32) (d *pgconn.StatementDescription, rejected string, err error) {
	d, err = conn.Prepare(ctx, "", sql, paramOIDs)
	if ctx.Err() != nil {
		return nil, "", ctx.Err()
	}
	if err != nil {
		if !isPgError(err) {
			return nil, "", err
		}
		return nil, pgMessage(err), nil
	}
	return d, "", nil
}

func isPgError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr)
}

// executeInserts runs every INSERT that prepared, with placeholder values
// of the right types, each in a savepoint that is rolled back, inside a
// transaction that is rolled back too: nothing is left behind. before
// selects the run on the previous schema (values are made then, and
// reused after, as the running release keeps sending the same values).
func executeInserts(ctx context.Context, conn *pgx.Conn, qs []*Query, before bool) (err error) {
	var todo []*Query
	for _, q := range qs {
		if q.insert && q.Before == resultOK && (before || (q.ExecBefore == resultOK && q.After == resultOK)) {
			todo = append(todo, q)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if before {
		if err := makeValues(ctx, conn, todo); err != nil {
			return err
		}
	}
	pc := conn.PgConn()
	// An INSERT ... SELECT that never ends must not hold up the run.
	if err := exec(ctx, pc, "BEGIN; SET LOCAL statement_timeout = '30s'"); err != nil {
		return err
	}
	defer func() {
		if rerr := exec(context.WithoutCancel(ctx), pc, "ROLLBACK"); err == nil && rerr != nil {
			err = rerr
		}
	}()
	// run executes q in a savepoint, with the foreign keys in q.fkOff
	// switched off, and rolls it back. A failed rollback is an error: the
	// next query would see this one's rows.
	run := func(q *Query) (result string, pgErr *pgconn.PgError, err error) {
		if err := exec(ctx, pc, "SAVEPOINT schemagate_verify"); err != nil {
			return "", nil, err
		}
		defer func() {
			if rerr := exec(context.WithoutCancel(ctx), pc, "ROLLBACK TO SAVEPOINT schemagate_verify"); err == nil && rerr != nil {
				err = rerr
			}
		}()
		for _, fk := range q.fkOff {
			if err := disableForeignKey(ctx, conn, fk); err != nil {
				return "", nil, err
			}
		}
		res := pc.ExecParams(ctx, q.SQL, q.values, q.paramOIDs, nil, nil).Read()
		if res.Err != nil {
			if !errors.As(res.Err, &pgErr) {
				return "", nil, res.Err
			}
			return pgErr.Message, pgErr, nil
		}
		return resultOK, nil, nil
	}
	for _, q := range todo {
		if before {
			r, pgErr, err := run(q)
			for err == nil && pgErr != nil && pgErr.Code == "23503" && len(q.fkOff) < 5 {
				// The referenced rows do not exist in an empty schema:
				// switch that foreign key's check off, before and after
				// alike. Other triggers keep firing.
				fk := foreignKey{schema: pgErr.SchemaName, table: pgErr.TableName, name: pgErr.ConstraintName}
				if slices.Contains(q.fkOff, fk) {
					break
				}
				q.fkOff = append(q.fkOff, fk)
				r, pgErr, err = run(q)
			}
			if err != nil {
				return err
			}
			q.ExecBefore = r
			continue
		}
		r, _, err := run(q)
		if err != nil {
			return err
		}
		q.ExecAfter = r
		if r != resultOK {
			q.Broken, q.BrokenBy = true, "insert"
		}
	}
	return nil
}

// foreignKey names a foreign key constraint of a table.
type foreignKey struct{ schema, table, name string }

// disableForeignKey defers the check of a foreign key on its table to
// the end of the transaction, inside the caller's savepoint, whose
// rollback then drops the pending check: the table's owner may make it
// DEFERRABLE, where switching its triggers off needs a superuser. A
// foreign key the migrations dropped, or on a table the role does not
// own, is left as it is.
func disableForeignKey(ctx context.Context, conn *pgx.Conn, fk foreignKey) error {
	var alter, deferred string
	err := conn.QueryRow(ctx, `
		SELECT format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY DEFERRED', c.conrelid::regclass, c.conname),
		       format('SET CONSTRAINTS %I.%I DEFERRED', n.nspname, c.conname)
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace JOIN pg_class t ON t.oid = c.conrelid
		WHERE c.conname = $3 AND c.contype = 'f' AND pg_has_role(t.relowner, 'USAGE')
		  AND c.conrelid = to_regclass(quote_ident($1) || '.' || quote_ident($2))`, fk.schema, fk.table, fk.name).Scan(&alter, &deferred)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("finding foreign key %s: %w", fk.name, err)
	}
	for _, s := range []string{alter, deferred} {
		if err := exec(ctx, conn.PgConn(), s); err != nil {
			return fmt.Errorf("deferring %s: %w", fk.name, err)
		}
	}
	return nil
}
