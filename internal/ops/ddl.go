package ops

import (
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/source"
)

func (c *converter) createTable(s *pg.CreateStmt) {
	op := Op{Kind: CreateTable, Table: rangeVarName(s.Relation), IfNotExists: s.IfNotExists, Lock: AccessExclusive}
	switch {
	case s.Partbound != nil:
		op.Detail = "partition"
	case len(s.InhRelations) > 0:
		op.Detail = "inherits"
	}
	// Most elements are columns: sized once, not grown (a column is
	// some hundreds of bytes).
	op.Columns = make([]Column, 0, len(s.TableElts))
	for _, e := range s.TableElts {
		switch x := e.Node.(type) {
		case *pg.Node_TableLikeClause:
			if op.Detail == "" {
				op.Detail = "like"
			}
		case *pg.Node_ColumnDef:
			col, cons := columnDef(x.ColumnDef)
			col.Span = c.columnSpan(x.ColumnDef)
			op.Columns = append(op.Columns, col)
			op.Constraints = append(op.Constraints, cons...)
		case *pg.Node_Constraint:
			op.Constraints = append(op.Constraints, constraint(x.Constraint))
		}
	}
	if len(op.Columns) == 0 {
		op.Columns = nil // as before it was sized: no columns is none
	}
	c.add(op)
	// A partition of an existing table locks the parent too.
	for _, p := range s.InhRelations {
		if s.Partbound != nil {
			c.add(Op{Kind: AttachPartition, Table: rangeVarName(p.GetRangeVar()), Object: op.Table, Lock: AccessExclusive, Detail: "create partition of"})
		}
	}
}

// columnDef reads a column definition and the constraints written inline.
func columnDef(d *pg.ColumnDef) (Column, []Constraint) {
	col := Column{Name: d.Colname, Type: typeFromNode(d.TypeName), NotNull: d.IsNotNull}
	col.Serial = col.Type.IsSerial()
	if d.RawDefault != nil {
		col.Default = newExpr(d.RawDefault)
	}
	if d.Identity != "" {
		col.Identity = true
	}
	var cons []Constraint
	for _, cn := range d.Constraints {
		k := cn.GetConstraint()
		if k == nil {
			continue
		}
		switch k.Contype {
		case pg.ConstrType_CONSTR_NOTNULL:
			col.NotNull = true
		case pg.ConstrType_CONSTR_DEFAULT:
			col.Default = newExpr(k.RawExpr)
		case pg.ConstrType_CONSTR_IDENTITY:
			col.Identity = true
			col.NotNull = true
		case pg.ConstrType_CONSTR_GENERATED:
			col.Generated = true
		case pg.ConstrType_CONSTR_PRIMARY:
			col.PrimaryKey = true
			col.NotNull = true
		case pg.ConstrType_CONSTR_UNIQUE:
			col.Unique = true
		case pg.ConstrType_CONSTR_FOREIGN:
			col.References = ptr(rangeVarName(k.Pktable))
		case pg.ConstrType_CONSTR_CHECK:
			col.Check = true
		}
		if con, ok := inlineConstraint(k, d.Colname); ok {
			cons = append(cons, con)
		}
	}
	if col.Serial {
		col.NotNull = true
	}
	return col, cons
}

// inlineConstraint is a column constraint that is a table constraint too
// (PRIMARY KEY, UNIQUE, REFERENCES, CHECK): the table constraint, on the
// column it is written on.
func inlineConstraint(k *pg.Constraint, column string) (Constraint, bool) {
	switch k.Contype {
	case pg.ConstrType_CONSTR_PRIMARY, pg.ConstrType_CONSTR_UNIQUE, pg.ConstrType_CONSTR_FOREIGN:
		con := constraint(k)
		con.Columns = []string{column}
		return con, true
	case pg.ConstrType_CONSTR_CHECK:
		return checkConstraint(k), true
	}
	return Constraint{}, false
}

func checkConstraint(k *pg.Constraint) Constraint {
	con := Constraint{Name: k.Conname, Type: Check, Expr: Deparse(k.RawExpr), NotValid: k.SkipValidation,
		ExprColumns: exprColumns(k.RawExpr), PassesNull: passesNull(k.RawExpr)}
	// CHECK (col IS NOT NULL) lets SET NOT NULL skip its table scan (12+).
	if nt := k.RawExpr.GetNullTest(); nt != nil && nt.Nulltesttype == pg.NullTestType_IS_NOT_NULL {
		if cr := nt.Arg.GetColumnRef(); cr != nil && len(cr.Fields) == 1 {
			con.NotNullColumn = stringValue(cr.Fields[0])
		}
	}
	return con
}

func constraint(k *pg.Constraint) Constraint {
	switch k.Contype {
	case pg.ConstrType_CONSTR_CHECK:
		return checkConstraint(k)
	case pg.ConstrType_CONSTR_FOREIGN:
		ref := rangeVarName(k.Pktable)
		return Constraint{Name: k.Conname, Type: ForeignKey, Columns: stringList(k.FkAttrs), RefTable: &ref, RefColumns: stringList(k.PkAttrs), NotValid: k.SkipValidation}
	case pg.ConstrType_CONSTR_PRIMARY:
		return Constraint{Name: k.Conname, Type: PrimaryKey, Columns: stringList(k.Keys), UsingIndex: k.Indexname}
	case pg.ConstrType_CONSTR_UNIQUE:
		return Constraint{Name: k.Conname, Type: Unique, Columns: stringList(k.Keys), UsingIndex: k.Indexname}
	case pg.ConstrType_CONSTR_EXCLUSION:
		return Constraint{Name: k.Conname, Type: Exclusion, UsingIndex: k.Indexname}
	case pg.ConstrType_CONSTR_NOTNULL:
		return Constraint{Name: k.Conname, Type: NotNull, Columns: stringList(k.Keys)}
	}
	return Constraint{Name: k.Conname, Type: ConstraintType(strings.ToLower(strings.TrimPrefix(k.Contype.String(), "CONSTR_")))}
}

func (c *converter) alterTable(s *pg.AlterTableStmt) {
	table := rangeVarName(s.Relation)
	switch s.Objtype {
	case pg.ObjectType_OBJECT_INDEX:
		for _, cmd := range s.Cmds {
			ac := cmd.GetAlterTableCmd()
			c.add(Op{Kind: AlterTableOther, Object: table, Lock: ShareUpdateExclusive, Detail: "index " + alterName(ac)})
		}
		return
	case pg.ObjectType_OBJECT_TABLE, pg.ObjectType_OBJECT_MATVIEW, pg.ObjectType_OBJECT_FOREIGN_TABLE:
	default:
		// Views and sequences: ALTER VIEW ... ALTER COLUMN SET DEFAULT and
		// the like do not touch table data.
		c.add(Op{Kind: AlterTableOther, Table: table, Lock: AccessExclusive, Detail: objectTypeName(s.Objtype)})
		return
	}
	for _, cmd := range s.Cmds {
		ac := cmd.GetAlterTableCmd()
		if ac == nil {
			continue
		}
		op := Op{Table: table, Column: ac.Name, IfExists: ac.MissingOk || s.MissingOk, Cascade: ac.Behavior == pg.DropBehavior_DROP_CASCADE, Lock: AccessExclusive}
		switch ac.Subtype {
		case pg.AlterTableType_AT_AddColumn:
			d := ac.Def.GetColumnDef()
			if d == nil {
				continue
			}
			col, cons := columnDef(d)
			col.Span = c.columnSpan(d)
			op.Kind = AddColumn
			op.Column = col.Name
			op.ColumnDef = &col
			op.IfNotExists = ac.MissingOk
			op.IfExists = s.MissingOk
			op.Rewrite = addColumnRewrites(col, c.ver)
			c.add(op)
			for _, k := range cons {
				k := k
				c.add(Op{Kind: AddConstraint, Table: table, Constraint: &k, Lock: constraintLock(k), Detail: "inline"})
			}
			continue
		case pg.AlterTableType_AT_DropColumn:
			op.Kind = DropColumn
		case pg.AlterTableType_AT_AlterColumnType:
			d := ac.Def.GetColumnDef()
			op.Kind = AlterColumnType
			if d != nil {
				op.Type = ptr(typeFromNode(d.TypeName))
				if d.RawDefault != nil && !castToItself(d.RawDefault, ac.Name, *op.Type) {
					op.Using = Deparse(d.RawDefault)
				}
			}
		case pg.AlterTableType_AT_SetNotNull:
			op.Kind = SetNotNull
			op.Scan = true
		case pg.AlterTableType_AT_DropNotNull:
			op.Kind = DropNotNull
		case pg.AlterTableType_AT_ColumnDefault:
			if ac.Def == nil {
				op.Kind = DropDefault
			} else {
				op.Kind = SetDefault
				op.Default = newExpr(ac.Def)
			}
		case pg.AlterTableType_AT_AddConstraint:
			k := ac.Def.GetConstraint()
			if k == nil {
				continue
			}
			con := constraint(k)
			op.Kind = AddConstraint
			op.Constraint = &con
			op.Lock = constraintLock(con)
			op.Scan = !con.NotValid && con.UsingIndex == "" && con.Type != NotNull
			op.Column = ""
		case pg.AlterTableType_AT_ValidateConstraint:
			op.Kind = ValidateConstr
			op.Object = Name{Name: ac.Name}
			op.Column = ""
			op.Lock = ShareUpdateExclusive
		case pg.AlterTableType_AT_DropConstraint:
			op.Kind = DropConstraint
			op.Object = Name{Name: ac.Name}
			op.Column = ""
		case pg.AlterTableType_AT_AttachPartition:
			op.Kind = AttachPartition
			op.Column = ""
			if pc := ac.Def.GetPartitionCmd(); pc != nil {
				op.Object = rangeVarName(pc.Name)
			}
			op.Lock = ShareUpdateExclusive
		case pg.AlterTableType_AT_DetachPartition:
			op.Kind = DetachPartition
			op.Column = ""
			if pc := ac.Def.GetPartitionCmd(); pc != nil {
				op.Object = rangeVarName(pc.Name)
				op.Concurrently = pc.Concurrent
			}
			if op.Concurrently {
				op.Lock = ShareUpdateExclusive
			}
		default:
			op.Kind = AlterTableOther
			op.Detail = alterName(ac)
			op.Lock, op.Rewrite = otherAlterLock(ac.Subtype)
			if ac.Subtype == pg.AlterTableType_AT_AddIdentity {
				op.Rewrite = false
			}
		}
		c.add(op)
	}
}

func alterName(ac *pg.AlterTableCmd) string {
	if ac == nil {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(ac.Subtype.String(), "AT_"))
}

// otherAlterLock gives the lock level of the ALTER TABLE subcommands not
// modelled as their own kind (PostgreSQL's AlterTableGetLockLevel).
func otherAlterLock(t pg.AlterTableType) (LockMode, bool) {
	switch t {
	case pg.AlterTableType_AT_SetStatistics, pg.AlterTableType_AT_ClusterOn, pg.AlterTableType_AT_DropCluster,
		pg.AlterTableType_AT_SetRelOptions, pg.AlterTableType_AT_ResetRelOptions, pg.AlterTableType_AT_ReplaceRelOptions:
		return ShareUpdateExclusive, false
	case pg.AlterTableType_AT_EnableTrig, pg.AlterTableType_AT_EnableAlwaysTrig, pg.AlterTableType_AT_EnableReplicaTrig,
		pg.AlterTableType_AT_DisableTrig, pg.AlterTableType_AT_EnableTrigAll, pg.AlterTableType_AT_DisableTrigAll,
		pg.AlterTableType_AT_EnableTrigUser, pg.AlterTableType_AT_DisableTrigUser:
		return ShareRowExclusive, false
	case pg.AlterTableType_AT_SetLogged, pg.AlterTableType_AT_SetUnLogged, pg.AlterTableType_AT_SetTableSpace,
		pg.AlterTableType_AT_SetAccessMethod:
		return AccessExclusive, true
	case pg.AlterTableType_AT_ChangeOwner, pg.AlterTableType_AT_SetOptions, pg.AlterTableType_AT_ResetOptions,
		pg.AlterTableType_AT_SetStorage, pg.AlterTableType_AT_SetCompression:
		return AccessExclusive, false
	}
	return AccessExclusive, false
}

// constraintLock is the lock ADD CONSTRAINT takes on the table: foreign
// keys take SHARE ROW EXCLUSIVE (on both tables), the rest ACCESS
// EXCLUSIVE.
func constraintLock(k Constraint) LockMode {
	if k.Type == ForeignKey {
		return ShareRowExclusive
	}
	return AccessExclusive
}

// addColumnRewrites says whether ADD COLUMN rewrites the table: before
// PostgreSQL 11 any non-null default does; from 11 only volatile defaults,
// serial, identity and stored generated columns.
func addColumnRewrites(col Column, ver int) bool {
	if col.Serial || col.Identity || col.Generated {
		return true
	}
	if col.Default == nil || col.Default.Null {
		return false
	}
	if ver < 11 {
		return true
	}
	return col.Default.Volatility == Volatile
}

func (c *converter) rename(s *pg.RenameStmt) {
	op := Op{Table: rangeVarName(s.Relation), NewName: s.Newname, IfExists: s.MissingOk, Lock: AccessExclusive}
	switch s.RenameType {
	case pg.ObjectType_OBJECT_COLUMN, pg.ObjectType_OBJECT_ATTRIBUTE:
		op.Kind = RenameColumn
		op.Column = s.Subname
		if s.RelationType == pg.ObjectType_OBJECT_VIEW || s.RelationType == pg.ObjectType_OBJECT_MATVIEW {
			op.Detail = "view"
		}
	case pg.ObjectType_OBJECT_TABLE, pg.ObjectType_OBJECT_FOREIGN_TABLE:
		op.Kind = RenameTable
	case pg.ObjectType_OBJECT_VIEW, pg.ObjectType_OBJECT_MATVIEW:
		op.Kind = RenameView
	case pg.ObjectType_OBJECT_TABCONSTRAINT:
		op.Kind = RenameConstraint
		op.Object = Name{Name: s.Subname}
	case pg.ObjectType_OBJECT_INDEX:
		op.Kind = RenameIndex
		op.Object = op.Table
		op.Table = Name{}
		op.Lock = ShareUpdateExclusive
	case pg.ObjectType_OBJECT_SCHEMA:
		op.Kind = RenameSchema
		op.Object = Name{Name: s.Subname}
		op.Lock = NoLock
	case pg.ObjectType_OBJECT_TYPE, pg.ObjectType_OBJECT_DOMAIN:
		op.Kind = RenameType
		op.Object = objectName(s.Object)
		op.Lock = NoLock
	case pg.ObjectType_OBJECT_SEQUENCE:
		op.Kind = RenameTable
		op.Detail = "sequence"
	default:
		op.Kind = Other
		op.Detail = "rename " + objectTypeName(s.RenameType)
		op.Object = objectName(s.Object)
		op.Lock = NoLock
	}
	c.add(op)
}

func (c *converter) createIndex(s *pg.IndexStmt) {
	idx := &Index{Name: s.Idxname, Unique: s.Unique, Concurrently: s.Concurrent, Method: s.AccessMethod}
	for _, p := range s.IndexParams {
		if e := p.GetIndexElem(); e != nil {
			if e.Name != "" {
				idx.Columns = append(idx.Columns, e.Name)
			} else {
				idx.Columns = append(idx.Columns, Deparse(e.Expr))
			}
		}
	}
	if s.WhereClause != nil {
		idx.Where = &Expr{Node: s.WhereClause}
	}
	lock := Share
	if s.Concurrent {
		lock = ShareUpdateExclusive
	}
	c.add(Op{Kind: CreateIndex, Table: rangeVarName(s.Relation), Object: Name{Schema: s.Relation.GetSchemaname(), Name: s.Idxname}, Index: idx, IfNotExists: s.IfNotExists, Concurrently: s.Concurrent, Lock: lock})
}

func (c *converter) drop(s *pg.DropStmt) {
	kind, lock := Other, AccessExclusive
	switch s.RemoveType {
	case pg.ObjectType_OBJECT_TABLE, pg.ObjectType_OBJECT_FOREIGN_TABLE:
		kind = DropTable
	case pg.ObjectType_OBJECT_INDEX:
		kind = DropIndex
		if s.Concurrent {
			lock = ShareUpdateExclusive
		}
	case pg.ObjectType_OBJECT_VIEW:
		kind = DropView
	case pg.ObjectType_OBJECT_MATVIEW:
		kind = DropMatView
	case pg.ObjectType_OBJECT_SEQUENCE:
		kind = DropSequence
	case pg.ObjectType_OBJECT_FUNCTION, pg.ObjectType_OBJECT_PROCEDURE, pg.ObjectType_OBJECT_ROUTINE:
		kind, lock = DropFunction, NoLock
	case pg.ObjectType_OBJECT_TYPE:
		kind, lock = DropType, NoLock
	case pg.ObjectType_OBJECT_DOMAIN:
		kind, lock = DropDomain, NoLock
	case pg.ObjectType_OBJECT_SCHEMA:
		kind, lock = DropSchema, NoLock
	case pg.ObjectType_OBJECT_EXTENSION:
		kind, lock = DropExtension, NoLock
	case pg.ObjectType_OBJECT_TRIGGER:
		kind = DropTrigger
	default:
		lock = NoLock
	}
	for _, o := range s.Objects {
		op := Op{Kind: kind, IfExists: s.MissingOk, Cascade: s.Behavior == pg.DropBehavior_DROP_CASCADE, Concurrently: s.Concurrent, Lock: lock}
		name := objectName(o)
		switch kind {
		case DropTable, DropView, DropMatView, DropSequence:
			op.Table = name
		case DropTrigger:
			// DROP TRIGGER name ON table: the list is [schema.]table, name.
			parts := stringList(o.GetList().GetItems())
			if len(parts) >= 2 {
				op.Table = nameFromListStrings(parts[:len(parts)-1])
				op.Object = Name{Name: parts[len(parts)-1]}
			}
		default:
			op.Object = name
		}
		if kind == Other {
			op.Detail = "drop " + objectTypeName(s.RemoveType)
		}
		c.add(op)
	}
}

func nameFromListStrings(parts []string) Name {
	if len(parts) == 1 {
		return Name{Name: parts[0]}
	}
	return Name{Schema: parts[len(parts)-2], Name: parts[len(parts)-1]}
}

// columnSpan is the span of a column definition's name.
func (c *converter) columnSpan(d *pg.ColumnDef) source.Span {
	if d.Location < 0 || c.file == nil {
		return c.st.Span
	}
	start := c.st.Base + int(d.Location)
	return c.file.Span(start, start+len(d.Colname))
}

// castToItself reports whether a USING expression is the column cast to
// the new type (Django's `USING "col"::text`): the conversion PostgreSQL
// makes without USING, so a binary compatible change still rewrites
// nothing.
func castToItself(using *pg.Node, column string, to Type) bool {
	tc := using.GetTypeCast()
	if tc == nil || tc.TypeName == nil {
		return false
	}
	ref := tc.Arg.GetColumnRef()
	if ref == nil || len(ref.Fields) != 1 || stringValue(ref.Fields[0]) != column {
		return false
	}
	t := typeFromNode(tc.TypeName)
	return t.Name == to.Name && t.Array == to.Array && slices.Equal(t.Mods, to.Mods)
}
