package ops

import (
	"fmt"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Options say how the statements run.
type Options struct {
	// Transactional is true when the migration tool wraps the statements
	// in one transaction.
	Transactional bool
	// PGVersion is the server's major version (e.g. 16); it decides which
	// operations rewrite tables.
	PGVersion int
	// File is the file the statements are in, for spans finer than a
	// statement (column definitions).
	File *source.File
}

// DefaultPGVersion is the major version assumed when none is given.
const DefaultPGVersion = 16

// FromStatements turns parsed statements into operations, in order, and
// annotates them with transaction state and tables created earlier in the
// same migration. Every statement yields at least one operation.
func FromStatements(stmts []sqlparse.Statement, opt Options) []Op {
	if len(stmts) == 0 {
		return nil
	}
	return AppendStatements(make([]Op, 0, len(stmts)+len(stmts)/4), stmts, opt)
}

// AppendStatements is FromStatements appending to dst, whose array a
// translator reuses for each call's few statements (the operations are
// copied into its list).
func AppendStatements(dst []Op, stmts []sqlparse.Statement, opt Options) []Op {
	n := len(dst)
	dst = appendConverted(dst, stmts, opt)
	Annotate(dst[n:], opt.Transactional)
	return dst
}

// Convert turns statements into operations as FromStatements does, with
// Stmt counting from 0 at stmts[0], but does not annotate them: a long
// file's statements are converted in chunks, in parallel, and annotated
// once joined.
func Convert(stmts []sqlparse.Statement, opt Options) []Op {
	if len(stmts) == 0 {
		return nil
	}
	// Every statement gives an operation or more; each is written in
	// place (an operation is some 400 bytes to copy).
	return appendConverted(make([]Op, 0, len(stmts)+len(stmts)/4), stmts, opt)
}

// appendConverted is Convert appending to out.
func appendConverted(out []Op, stmts []sqlparse.Statement, opt Options) []Op {
	if opt.PGVersion == 0 {
		opt.PGVersion = DefaultPGVersion
	}
	for i, s := range stmts {
		start := len(out)
		c := converter{stmt: i, st: s, ver: opt.PGVersion, file: opt.File, ops: out}
		c.convert(s.Node)
		if len(c.ops) == start {
			c.add(Op{Kind: Other, Detail: nodeName(s.Node)})
		}
		c.ops[start].Duplicate = duplicate(s.Node)
		out = c.ops
	}
	return out
}

// Annotate fills InTransaction, Tx and NewTable from the order of ops.
// Framework translators call it on the operations they produce.
func Annotate(ops []Op, transactional bool) {
	created := map[string]bool{}
	count, tx := 0, 0
	if transactional {
		count, tx = 1, 1
	}
	for i := range ops {
		op := &ops[i]
		switch op.Kind {
		case Begin:
			if tx == 0 {
				count++
				tx = count
			} else {
				op.Detail = "nested"
			}
		}
		op.Tx = tx
		op.InTransaction = tx != 0
		switch op.Kind {
		case Commit, Rollback:
			tx = 0
		case CreateTable, CreateMatView:
			created[op.Table.Key()] = true
		}
		if op.Table.Name != "" && created[op.Table.Key()] && op.Kind != CreateTable && op.Kind != CreateMatView {
			op.NewTable = true
		}
		if op.Kind == RenameTable && created[op.Table.Key()] {
			created[Name{Schema: op.Table.Schema, Name: op.NewName}.Key()] = true
		}
	}
}

type converter struct {
	stmt int
	st   sqlparse.Statement
	ver  int
	file *source.File
	ops  []Op // the operations of the statements so far, this one's last
}

func (c *converter) add(op Op) {
	op.Stmt = c.stmt
	op.Span = c.st.Span
	c.ops = append(c.ops, op)
}

func rangeVarName(rv *pg.RangeVar) Name {
	if rv == nil {
		return Name{}
	}
	return Name{Schema: rv.Schemaname, Name: rv.Relname}
}

func nameFromList(nodes []*pg.Node) Name {
	parts := stringList(nodes)
	switch len(parts) {
	case 0:
		return Name{}
	case 1:
		return Name{Name: parts[0]}
	default:
		return Name{Schema: parts[len(parts)-2], Name: parts[len(parts)-1]}
	}
}

// nodeName names a statement kind the operations do not model
// ("CreatePolicyStmt"), for Other operations.
func nodeName(n *pg.Node) string {
	if n == nil || n.Node == nil {
		return ""
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", n.Node), "*pg_query.Node_")
}

func (c *converter) convert(n *pg.Node) {
	switch x := n.Node.(type) {
	case *pg.Node_CreateStmt:
		c.createTable(x.CreateStmt)
	case *pg.Node_AlterTableStmt:
		c.alterTable(x.AlterTableStmt)
	case *pg.Node_RenameStmt:
		c.rename(x.RenameStmt)
	case *pg.Node_AlterObjectSchemaStmt:
		s := x.AlterObjectSchemaStmt
		op := Op{Kind: SetSchema, NewSchema: s.Newschema, IfExists: s.MissingOk, Lock: AccessExclusive, Detail: objectTypeName(s.ObjectType)}
		if s.Relation != nil {
			op.Table = rangeVarName(s.Relation)
		} else {
			op.Object = objectName(s.Object)
		}
		c.add(op)
	case *pg.Node_IndexStmt:
		c.createIndex(x.IndexStmt)
	case *pg.Node_DropStmt:
		c.drop(x.DropStmt)
	case *pg.Node_ReindexStmt:
		s := x.ReindexStmt
		op := Op{Kind: Reindex, Concurrently: hasOption(s.Params, "concurrently"), Detail: strings.ToLower(strings.TrimPrefix(s.Kind.String(), "REINDEX_OBJECT_")), Rewrite: true}
		if s.Relation != nil {
			if s.Kind == pg.ReindexObjectType_REINDEX_OBJECT_INDEX {
				op.Object = rangeVarName(s.Relation)
			} else {
				op.Table = rangeVarName(s.Relation)
			}
		} else {
			op.Object = Name{Name: s.Name}
		}
		// REINDEX takes SHARE on the table but ACCESS EXCLUSIVE on each
		// index it rebuilds, and every query on the table opens all its
		// indexes while planning: in effect reads block too, which is what
		// verify observes. CONCURRENTLY takes SHARE UPDATE EXCLUSIVE.
		op.Lock = AccessExclusive
		if op.Concurrently {
			op.Lock = ShareUpdateExclusive
		}
		c.add(op)
	case *pg.Node_VacuumStmt:
		s := x.VacuumStmt
		full := hasOption(s.Options, "full")
		lock := ShareUpdateExclusive
		if full {
			lock = AccessExclusive
		}
		kind := Vacuum
		if !s.IsVacuumcmd {
			kind = Other
		}
		if len(s.Rels) == 0 {
			c.add(Op{Kind: kind, Full: full, Lock: lock, Detail: "all tables"})
		}
		for _, r := range s.Rels {
			if vr := r.GetVacuumRelation(); vr != nil {
				c.add(Op{Kind: kind, Table: rangeVarName(vr.Relation), Full: full, Lock: lock, Rewrite: full})
			}
		}
	case *pg.Node_ClusterStmt:
		s := x.ClusterStmt
		c.add(Op{Kind: Cluster, Table: rangeVarName(s.Relation), Object: Name{Name: s.Indexname}, Lock: AccessExclusive, Rewrite: true})
	case *pg.Node_RefreshMatViewStmt:
		s := x.RefreshMatViewStmt
		lock := AccessExclusive
		if s.Concurrent {
			lock = Exclusive
		}
		c.add(Op{Kind: RefreshMatView, Table: rangeVarName(s.Relation), Concurrently: s.Concurrent, Lock: lock, Rewrite: !s.Concurrent})
	case *pg.Node_TruncateStmt:
		s := x.TruncateStmt
		for _, r := range s.Relations {
			c.add(Op{Kind: Truncate, Table: rangeVarName(r.GetRangeVar()), Cascade: s.Behavior == pg.DropBehavior_DROP_CASCADE, Lock: AccessExclusive})
		}
	case *pg.Node_CreatedbStmt:
		c.add(Op{Kind: CreateDatabase, Object: Name{Name: x.CreatedbStmt.Dbname}})
	case *pg.Node_DropdbStmt:
		c.add(Op{Kind: DropDatabase, Object: Name{Name: x.DropdbStmt.Dbname}, IfExists: x.DropdbStmt.MissingOk})
	case *pg.Node_TransactionStmt:
		switch x.TransactionStmt.Kind {
		case pg.TransactionStmtKind_TRANS_STMT_BEGIN, pg.TransactionStmtKind_TRANS_STMT_START:
			c.add(Op{Kind: Begin})
		case pg.TransactionStmtKind_TRANS_STMT_COMMIT:
			c.add(Op{Kind: Commit})
		case pg.TransactionStmtKind_TRANS_STMT_ROLLBACK:
			c.add(Op{Kind: Rollback})
		default:
			c.add(Op{Kind: Savepoint, Detail: strings.ToLower(x.TransactionStmt.Kind.String())})
		}
	case *pg.Node_VariableSetStmt:
		s := x.VariableSetStmt
		var vals []string
		for _, a := range s.Args {
			vals = append(vals, constText(a))
		}
		value := strings.Join(vals, ", ")
		if s.Kind == pg.VariableSetKind_VAR_SET_DEFAULT || s.Kind == pg.VariableSetKind_VAR_RESET {
			value = "DEFAULT"
		}
		c.add(Op{Kind: Set, Setting: strings.ToLower(s.Name), Value: value, Local: s.IsLocal})
	case *pg.Node_LockStmt:
		s := x.LockStmt
		for _, r := range s.Relations {
			c.add(Op{Kind: LockTable, Table: rangeVarName(r.GetRangeVar()), Lock: lockModeFromLockStmt(s.Mode)})
		}
	case *pg.Node_InsertStmt:
		c.add(Op{Kind: Insert, Table: rangeVarName(x.InsertStmt.Relation), Lock: RowExclusive})
	case *pg.Node_UpdateStmt:
		c.add(Op{Kind: Update, Table: rangeVarName(x.UpdateStmt.Relation), Lock: RowExclusive, Detail: whereDetail(x.UpdateStmt.WhereClause)})
	case *pg.Node_DeleteStmt:
		c.add(Op{Kind: Delete, Table: rangeVarName(x.DeleteStmt.Relation), Lock: RowExclusive, Detail: whereDetail(x.DeleteStmt.WhereClause)})
	case *pg.Node_SelectStmt:
		if into := x.SelectStmt.IntoClause; into != nil {
			// SELECT ... INTO t is CREATE TABLE t AS SELECT ...
			c.add(Op{Kind: CreateTable, Table: rangeVarName(into.Rel), Detail: "as select"})
			return
		}
		c.add(Op{Kind: Select})
	case *pg.Node_ViewStmt:
		s := x.ViewStmt
		c.add(Op{Kind: CreateView, Table: rangeVarName(s.View), OrReplace: s.Replace})
	case *pg.Node_CreateTableAsStmt:
		s := x.CreateTableAsStmt
		if s.Objtype == pg.ObjectType_OBJECT_MATVIEW {
			c.add(Op{Kind: CreateMatView, Table: rangeVarName(s.Into.Rel), IfNotExists: s.IfNotExists})
		} else {
			c.add(Op{Kind: CreateTable, Table: rangeVarName(s.Into.Rel), IfNotExists: s.IfNotExists, Detail: "as select"})
		}
	case *pg.Node_CreateFunctionStmt:
		s := x.CreateFunctionStmt
		c.add(Op{Kind: CreateFunction, Object: nameFromList(s.Funcname), OrReplace: s.Replace})
	case *pg.Node_CreateSeqStmt:
		s := x.CreateSeqStmt
		c.add(Op{Kind: CreateSequence, Table: rangeVarName(s.Sequence), IfNotExists: s.IfNotExists})
	case *pg.Node_CreateEnumStmt:
		s := x.CreateEnumStmt
		c.add(Op{Kind: CreateEnum, Object: nameFromList(s.TypeName), Values: stringList(s.Vals)})
	case *pg.Node_AlterEnumStmt:
		s := x.AlterEnumStmt
		if s.OldVal != "" {
			c.add(Op{Kind: RenameEnumValue, Object: nameFromList(s.TypeName), Value: s.OldVal, NewName: s.NewVal})
		} else {
			c.add(Op{Kind: AddEnumValue, Object: nameFromList(s.TypeName), NewName: s.NewVal, IfNotExists: s.SkipIfNewValExists})
		}
	case *pg.Node_CompositeTypeStmt:
		c.add(Op{Kind: CreateType, Object: rangeVarName(x.CompositeTypeStmt.Typevar)})
	case *pg.Node_CreateRangeStmt:
		c.add(Op{Kind: CreateType, Object: nameFromList(x.CreateRangeStmt.TypeName)})
	case *pg.Node_CreateDomainStmt:
		s := x.CreateDomainStmt
		op := Op{Kind: CreateDomain, Object: nameFromList(s.Domainname), Type: ptr(typeFromNode(s.TypeName))}
		for _, cn := range s.Constraints {
			if k := cn.GetConstraint(); k != nil && k.Contype == pg.ConstrType_CONSTR_CHECK {
				op.Constraint = &Constraint{Name: k.Conname, Type: Check, Expr: Deparse(k.RawExpr)}
			}
		}
		c.add(op)
	case *pg.Node_AlterDomainStmt:
		s := x.AlterDomainStmt
		op := Op{Kind: AlterDomain, Object: nameFromList(s.TypeName), Detail: domainSubtype(s.Subtype)}
		if k := s.Def.GetConstraint(); k != nil {
			op.Constraint = &Constraint{Name: k.Conname, Type: Check, Expr: Deparse(k.RawExpr), NotValid: k.SkipValidation}
		}
		c.add(op)
	case *pg.Node_CreateTrigStmt:
		s := x.CreateTrigStmt
		c.add(Op{Kind: CreateTrigger, Table: rangeVarName(s.Relation), Object: Name{Name: s.Trigname}, OrReplace: s.Replace, Lock: ShareRowExclusive})
	case *pg.Node_CreateSchemaStmt:
		c.add(Op{Kind: CreateSchema, Object: Name{Name: x.CreateSchemaStmt.Schemaname}, IfNotExists: x.CreateSchemaStmt.IfNotExists})
	case *pg.Node_CreateExtensionStmt:
		c.add(Op{Kind: CreateExtension, Object: Name{Name: x.CreateExtensionStmt.Extname}, IfNotExists: x.CreateExtensionStmt.IfNotExists})
	case *pg.Node_CommentStmt:
		c.add(Op{Kind: Comment})
	case *pg.Node_GrantStmt, *pg.Node_GrantRoleStmt, *pg.Node_AlterDefaultPrivilegesStmt:
		c.add(Op{Kind: Grant})
	case *pg.Node_DoStmt:
		c.add(Op{Kind: Do})
	}
}

func ptr[T any](v T) *T { return &v }

func whereDetail(n *pg.Node) string {
	if n == nil {
		return "all rows"
	}
	return ""
}

func domainSubtype(s string) string {
	switch s {
	case "C":
		return "add constraint"
	case "X":
		return "drop constraint"
	case "V":
		return "validate constraint"
	case "T":
		return "set default"
	case "N":
		return "drop not null"
	case "O":
		return "set not null"
	}
	return s
}

func constText(n *pg.Node) string {
	if c := n.GetAConst(); c != nil {
		switch v := c.Val.(type) {
		case *pg.A_Const_Ival:
			return strconv.Itoa(int(v.Ival.Ival))
		case *pg.A_Const_Sval:
			return v.Sval.Sval
		case *pg.A_Const_Fval:
			return v.Fval.Fval
		case *pg.A_Const_Boolval:
			if v.Boolval.Boolval {
				return "true"
			}
			return "false"
		}
	}
	return Deparse(n)
}

func hasOption(opts []*pg.Node, name string) bool {
	for _, o := range opts {
		if d := o.GetDefElem(); d != nil && strings.EqualFold(d.Defname, name) {
			if d.Arg == nil {
				return true
			}
			v := strings.ToLower(constText(d.Arg))
			return v != "false" && v != "0" && v != "off"
		}
	}
	return false
}

func objectTypeName(t pg.ObjectType) string {
	return strings.ToLower(strings.TrimPrefix(t.String(), "OBJECT_"))
}

func objectName(n *pg.Node) Name {
	if n == nil {
		return Name{}
	}
	switch x := n.Node.(type) {
	case *pg.Node_List:
		return nameFromList(x.List.Items)
	case *pg.Node_String_:
		return Name{Name: x.String_.Sval}
	case *pg.Node_TypeName:
		return nameFromList(x.TypeName.Names)
	case *pg.Node_ObjectWithArgs:
		return nameFromList(x.ObjectWithArgs.Objname)
	case *pg.Node_RangeVar:
		return rangeVarName(x.RangeVar)
	}
	return Name{}
}
