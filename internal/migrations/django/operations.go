package django

import (
	"fmt"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

// translator replays one migration's operations: the state changes
// (state_forwards) and, through the editor, the SQL Django runs for them
// (database_forwards).
type translator struct {
	e    *editor
	st   *state
	app  string
	m    *migration.Migration
	stmt int // next Op.Stmt
	// raw holds operations already turned into ops (RunSQL), keyed by
	// the position in e.out they precede.
	notes []migration.Note
	pg    int
	mod   *module
}

// because says why a value is unknown, as " (reason)", when a name the
// module binds in code schemagate does not run made it so.
func (t *translator) because(v *value) string {
	if why := t.mod.whyUnknown(v); why != "" {
		return " (" + why + ")"
	}
	return ""
}

func (t *translator) next() int {
	n := t.stmt
	t.stmt++
	return n
}

func (t *translator) note(kind migration.NoteKind, start, end int, format string, args ...any) {
	t.notes = append(t.notes, migration.Note{Kind: kind, Span: t.m.File.Span(start, end), Message: fmt.Sprintf(format, args...)})
}

// model returns the state model named in an operation, synthesising one
// (with a note) when no earlier migration defined it.
func (t *translator) model(op *value, name string) *model {
	key := normalModelRef(name, t.app)
	if m := t.st.get(key); m != nil {
		return m
	}
	m := t.st.lookup(key)
	if m.assumed {
		t.note(migration.NoteUnrecognised, op.start, op.end, "model %s is not created by any earlier migration read: its table is taken to be %s", key, m.table())
	}
	return m
}

// modelArg is the model an operation's argument i (keyword kw) names.
func (t *translator) modelArg(op *value, i int, kw string) (*model, bool) {
	name, ok := t.modelName(op, i, kw)
	if !ok {
		return nil, false
	}
	return t.model(op, name), true
}

func (t *translator) modelName(op *value, i int, kw string) (string, bool) {
	s, ok := op.arg(i, kw).str()
	if !ok {
		t.note(migration.NoteUnrecognised, op.start, op.end, "%s: %s is not a string, the operation is not checked", op.lastName(), kw)
	}
	return s, ok
}

// operations replays a list of operation calls. db is false for
// SeparateDatabaseAndState's state_operations and RunSQL's
// state_operations: state only.
func (t *translator) operations(list *value, db bool) {
	items, ok := list.seq()
	if !ok {
		if list != nil {
			t.note(migration.NoteUnrecognised, list.start, list.end, "operations is not a list of operation calls%s: not checked", t.because(list))
		}
		return
	}
	for _, op := range items {
		t.operation(op, db)
	}
}

func (t *translator) operation(op *value, db bool) {
	if op.hasError {
		return // reported as a syntax error
	}
	if !op.is(kCall) {
		t.note(migration.NoteUnrecognised, op.start, op.end, "%s is not a migration operation call%s: not checked", clipText(op.text), t.because(op))
		return
	}
	defer func() {
		if r := recover(); r != nil {
			t.note(migration.NoteUnrecognised, op.start, op.end, "internal: schemagate failed on this operation (%v); it is not checked, please report it", r)
		}
	}()
	prev := t.e.cur
	if db {
		t.e.cur = &callCtx{start: op.start, end: op.end, stmt: t.next(), cols: map[string][2]int{}}
		defer func() { t.e.cur = prev }()
	} else if t.e.cur == nil {
		t.e.cur = &callCtx{start: op.start, end: op.end, cols: map[string][2]int{}}
		defer func() { t.e.cur = prev }()
	}
	switch op.lastName() {
	case "CreateModel":
		t.createModel(op, db)
	case "DeleteModel":
		if m, ok := t.modelArg(op, 0, "name"); ok {
			if db && m.migrated() {
				t.e.deleteModel(m)
			}
			t.st.remove(m.key())
		}
	case "RenameModel":
		t.renameModel(op, db)
	case "AlterModelTable":
		t.alterModelTable(op, db)
	case "AlterModelTableComment":
		if m, ok := t.modelArg(op, 0, "name"); ok {
			c, _ := op.arg(1, "table_comment").str()
			m.dbTableComment = c
			if db && m.migrated() && t.e.ver.atLeast(4, 2) {
				val := "NULL"
				if c != "" {
					val = quoteString(c)
				}
				t.e.exec(fmt.Sprintf("COMMENT ON TABLE %s IS %s", quoteTable(m.table()), val))
			}
		}
	case "AlterUniqueTogether", "AlterIndexTogether":
		t.alterTogether(op, db)
	case "AlterOrderWithRespectTo":
		t.alterOrderWithRespectTo(op, db)
	case "AlterModelOptions":
		if m, ok := t.modelArg(op, 0, "name"); ok {
			opts := op.arg(1, "options")
			managed := true
			if v := dictGet(opts, "managed"); v != nil {
				managed, _ = v.truthy()
			}
			m.managed = managed
		}
	case "AlterModelManagers":
		if m, ok := t.modelArg(op, 0, "name"); ok {
			m.userManager = strings.Contains(op.arg(1, "managers").source(), "UserManager")
		}
	case "AddField":
		t.addField(op, db)
	case "RemoveField":
		t.removeField(op, db)
	case "AlterField":
		t.alterField(op, db)
	case "RenameField":
		t.renameField(op, db)
	case "AddIndex", "AddIndexConcurrently":
		t.addIndex(op, db, op.lastName() == "AddIndexConcurrently")
	case "RemoveIndex", "RemoveIndexConcurrently":
		t.removeIndex(op, db, op.lastName() == "RemoveIndexConcurrently")
	case "RenameIndex":
		t.renameIndex(op, db)
	case "AddConstraint", "AddConstraintNotValid":
		t.addConstraint(op, db, op.lastName() == "AddConstraintNotValid")
	case "RemoveConstraint":
		t.removeConstraint(op, db)
	case "AlterConstraint":
		// Django 5.2: changes only Python-side attributes.
	case "ValidateConstraint":
		if m, ok := t.modelArg(op, 0, "model_name"); ok {
			cn, _ := op.arg(1, "name").str()
			if db && m.migrated() {
				t.e.exec(fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", quoteTable(m.table()), quoteName(cn)))
			}
		}
	case "RunSQL":
		t.runSQL(op, db)
	case "RunPython":
		if db {
			code := op.arg(0, "code")
			if code.is(kName) && code.lastName() == "noop" {
				return
			}
			name := code.text
			t.note(migration.NoteDataMigration, op.start, op.end, "RunPython(%s) runs Python code (a data migration) that schemagate does not check: it runs in the migration's transaction, holding the locks taken before it, and its time grows with the table", name)
		}
	case "SeparateDatabaseAndState":
		t.separate(op, db)
	case "CreateExtension", "BtreeGinExtension", "BtreeGistExtension", "CITextExtension", "CryptoExtension",
		"HStoreExtension", "TrigramExtension", "UnaccentExtension", "BloomExtension":
		if db {
			name := extensionNames[op.lastName()]
			if name == "" {
				name, _ = op.arg(0, "name").str()
			}
			if name != "" {
				t.e.exec("CREATE EXTENSION IF NOT EXISTS " + quoteName(name))
			}
		}
	case "CreateCollation":
		if db {
			t.createCollation(op)
		}
	case "RemoveCollation":
		if db {
			if name, ok := op.arg(0, "name").str(); ok {
				t.e.exec("DROP COLLATION " + quoteName(name))
			}
		}
	default:
		if db {
			t.note(migration.NoteUnrecognised, op.start, op.end, "%s is not a Django migration operation schemagate knows: it is not checked", op.s)
		}
	}
}

var extensionNames = map[string]string{
	"BtreeGinExtension": "btree_gin", "BtreeGistExtension": "btree_gist", "CITextExtension": "citext",
	"CryptoExtension": "pgcrypto", "HStoreExtension": "hstore", "TrigramExtension": "pg_trgm",
	"UnaccentExtension": "unaccent", "BloomExtension": "bloom",
}

func clipText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

func dictGet(d *value, key string) *value {
	if !d.is(kDict) {
		return nil
	}
	for i, k := range d.keys {
		if s, ok := k.str(); ok && s == key {
			return d.items[i]
		}
	}
	return nil
}

// field reads a field call for a model, resolving "self".
func (t *translator) field(name string, call *value, m *model, op *value) *field {
	f, note := parseField(name, call, m.app, t.st)
	if call == nil {
		call = op
		f.start, f.end = op.start, op.end
	}
	if note != "" {
		t.note(migration.NoteUnrecognised, call.start, call.end, "%s", note)
	}
	if f.remote == "self" {
		f.remote = m.key()
	}
	if f.baseField != nil && f.baseField.remote == "self" {
		f.baseField.remote = m.key()
	}
	return f
}

func (t *translator) createModel(op *value, db bool) {
	name, ok := t.modelName(op, 0, "name")
	if !ok {
		return
	}
	m := &model{app: t.app, name: name, managed: true}
	fields, ok := op.arg(1, "fields").seq()
	if !ok {
		t.note(migration.NoteUnrecognised, op.start, op.end, "CreateModel(%s): fields is not a list of (name, field) pairs: not checked", name)
		return
	}
	for _, it := range fields {
		if !(it.is(kTuple) || it.is(kList)) || len(it.items) != 2 || !it.items[0].is(kStr) {
			t.note(migration.NoteUnrecognised, it.start, it.end, "CreateModel(%s): %s is not a (name, field) pair: not checked", name, clipText(it.text))
			continue
		}
		f := t.field(it.items[0].s, it.items[1], m, it)
		f.start, f.end = it.start, it.end
		if f.primaryKey && f.isAuto() {
			if ac, _ := f.call.kw("auto_created").truthy(); ac {
				t.st.autoField[t.app] = f.internal
				t.st.autoField[""] = f.internal
			}
		}
		m.fields = append(m.fields, f)
	}
	opts := op.arg(2, "options")
	if opts != nil && !opts.is(kDict) && !opts.is(kNone) {
		t.note(migration.NoteUnrecognised, opts.start, opts.end, "CreateModel(%s): options is not a dict: its table name, indexes and constraints are not read", name)
	}
	t.readOptions(m, opts)
	if strings.Contains(op.arg(4, "managers").source(), "UserManager") {
		m.userManager = true
	}
	if m.orderWRT != "" && m.field("_order") == nil {
		m.fields = append(m.fields, &field{name: "_order", class: "IntegerField", internal: "IntegerField", known: true, start: op.start, end: op.end})
	}
	t.st.add(m)
	if db && m.migrated() {
		for _, f := range m.fields {
			t.e.cur.cols[f.column()] = [2]int{f.start, f.end}
		}
		t.e.createModel(m)
	}
}

func (t *translator) readOptions(m *model, opts *value) {
	if !opts.is(kDict) {
		return
	}
	for i, k := range opts.keys {
		key, ok := k.str()
		if !ok {
			continue
		}
		v := opts.items[i]
		switch key {
		case "db_table":
			if s, ok := v.str(); ok {
				m.dbTable = s
			}
		case "managed":
			m.managed, _ = v.truthy()
		case "proxy":
			m.proxy, _ = v.truthy()
		case "unique_together", "index_together":
			tg, ok := together(v)
			if !ok {
				t.note(migration.NoteUnrecognised, v.start, v.end, "%s is not a list of field name tuples: not checked", key)
				continue
			}
			if key == "unique_together" {
				m.uniqueTogether = tg
			} else {
				m.indexTogether = tg
			}
		case "indexes":
			m.indexes = append(m.indexes, parseEach(t, v, parseIndex)...)
		case "constraints":
			m.constraints = append(m.constraints, parseEach(t, v, parseConstraint)...)
		case "order_with_respect_to":
			m.orderWRT, _ = v.str()
		case "db_table_comment":
			m.dbTableComment, _ = v.str()
		}
	}
}

// parseEach parses each item of a Meta list (indexes, constraints),
// noting those it cannot read.
func parseEach[T any](t *translator, list *value, parse func(*value) (*T, string)) []*T {
	items, _ := list.seq()
	var out []*T
	for _, it := range items {
		x, problem := parse(it)
		if x == nil {
			t.note(migration.NoteUnrecognised, it.start, it.end, "%s: not checked", problem)
			continue
		}
		out = append(out, x)
	}
	return out
}

func (t *translator) renameModel(op *value, db bool) {
	oldName, ok1 := t.modelName(op, 0, "old_name")
	newName, ok2 := t.modelName(op, 1, "new_name")
	if !ok1 || !ok2 {
		return
	}
	old := t.model(op, oldName)
	oldKey := old.key()
	renamed := old.clone()
	renamed.name = newName
	newKey := renamed.key()
	// The relations pointing at the model (Django's related_objects, in
	// registry order: foreign keys not hidden by a related_name ending
	// in "+", and many-to-many fields), to alter after the rename.
	type rel struct {
		owner string
		field *field
	}
	var rels []rel
	for _, other := range t.st.ordered() {
		for _, f := range other.fields {
			if f.remote == oldKey && ((f.isFK() && !f.hiddenRelation) || (f.m2m && f.through == "")) {
				rels = append(rels, rel{other.key(), f.clone()})
			}
		}
	}
	t.st.remove(oldKey)
	t.st.add(renamed)
	renameReferences(t.st, oldKey, newKey)
	if !db || !renamed.migrated() {
		return
	}
	oldTable, newTable := old.table(), renamed.table()
	if oldTable == newTable && t.e.ver.atLeast(4, 1) {
		return
	}
	t.e.alterDBTable(oldTable, newTable)
	for _, r := range rels {
		ownerKey := r.owner
		oldOwner := t.st.get(ownerKey)
		if ownerKey == oldKey {
			ownerKey, oldOwner = newKey, old
		}
		owner := t.st.get(ownerKey)
		if owner == nil {
			continue
		}
		nf := owner.field(r.field.name)
		if nf == nil {
			continue
		}
		if r.field.m2m {
			t.e.alterM2M(oldOwner, owner, r.field, nf)
			continue
		}
		t.e.alterField(owner, r.field, nf)
	}
	// M2M tables named after the model, with a column named after it.
	for i, f := range renamed.fields {
		if !f.m2m || f.through != "" || f.remote == newKey {
			continue
		}
		oldT, newT := t.e.throughModel(old, old.fields[i]), t.e.throughModel(renamed, f)
		t.e.alterDBTable(oldT.table(), newT.table())
		t.e.alterField(newT, oldT.fields[1], newT.fields[1])
	}
}

func (t *translator) alterModelTable(op *value, db bool) {
	name, ok := t.modelName(op, 0, "name")
	if !ok {
		return
	}
	m := t.model(op, name)
	old := m.clone()
	tv := op.arg(1, "table")
	switch {
	case tv.is(kNone):
		m.dbTable = ""
	case tv.is(kStr):
		m.dbTable = tv.s
	default:
		t.note(migration.NoteUnrecognised, op.start, op.end, "AlterModelTable(%s): table is not a string: not checked", name)
		return
	}
	if !db || !m.migrated() {
		return
	}
	t.e.alterDBTable(old.table(), m.table())
	for _, f := range m.fields {
		if f.m2m && f.through == "" {
			t.e.alterDBTable(t.e.throughModel(old, f).table(), t.e.throughModel(m, f).table())
		}
	}
}

func (t *translator) alterTogether(op *value, db bool) {
	name, ok := t.modelName(op, 0, "name")
	if !ok {
		return
	}
	m := t.model(op, name)
	kw := "unique_together"
	if op.lastName() == "AlterIndexTogether" {
		kw = "index_together"
	}
	news, ok := together(op.arg(1, kw))
	if !ok {
		t.note(migration.NoteUnrecognised, op.start, op.end, "%s(%s): %s is not a list of field name tuples: not checked", op.lastName(), name, kw)
		return
	}
	if kw == "unique_together" {
		olds := m.uniqueTogether
		m.uniqueTogether = news
		if db && m.migrated() {
			t.e.alterUniqueTogether(m, olds, news)
		}
		return
	}
	olds := m.indexTogether
	m.indexTogether = news
	if db && m.migrated() {
		t.e.alterIndexTogether(m, olds, news)
	}
}

func (t *translator) alterOrderWithRespectTo(op *value, db bool) {
	m, ok := t.modelArg(op, 0, "name")
	if !ok {
		return
	}
	to, _ := op.arg(1, "order_with_respect_to").str()
	from := m.orderWRT
	m.orderWRT = to
	order := &field{name: "_order", class: "IntegerField", internal: "IntegerField", known: true, start: op.start, end: op.end}
	switch {
	case to != "" && from == "":
		order.hasDefault, order.def = true, &value{kind: kInt, text: "0"}
		if db && m.migrated() {
			t.e.cur.cols["_order"] = [2]int{op.start, op.end}
			t.e.addField(m, order)
		}
		order.hasDefault, order.def = false, nil
		m.fields = append(m.fields, order)
	case to == "" && from != "":
		if f := m.field("_order"); f != nil {
			if db && m.migrated() {
				t.e.removeField(m, f)
			}
			m.fields = removeFieldNamed(m.fields, "_order")
		}
	}
}

// modelAndName reads an operation's model_name and its second argument
// (key: name, new_name).
func (t *translator) modelAndName(op *value, key string) (*model, string, bool) {
	mn, ok1 := t.modelName(op, 0, "model_name")
	name, ok2 := t.modelName(op, 1, key)
	if !ok1 || !ok2 {
		return nil, "", false
	}
	return t.model(op, mn), name, true
}

func removeFieldNamed(fs []*field, name string) []*field {
	out := fs[:0:0]
	for _, f := range fs {
		if f.name != name {
			out = append(out, f)
		}
	}
	return out
}

// fieldOp reads AddField's and AlterField's model, field name and
// field.
func (t *translator) fieldOp(op *value) (*model, string, *field, bool) {
	m, name, ok := t.modelAndName(op, "name")
	if !ok {
		return nil, "", nil, false
	}
	return m, name, t.field(name, op.arg(2, "field"), m, op), true
}

func (t *translator) addField(op *value, db bool) {
	m, name, f, ok := t.fieldOp(op)
	if !ok {
		return
	}
	if m.field(name) != nil {
		t.note(migration.NoteUnrecognised, op.start, op.end, "AddField: %s already has a field %q: Django stops with an error", m.name, name)
	}
	if db && m.migrated() {
		t.e.cur.cols[f.column()] = [2]int{f.start, f.end}
		t.e.addField(m, f)
	}
	if keep, ok := op.kw("preserve_default").truthy(); ok && !keep {
		f.hasDefault, f.def = false, nil
	}
	m.fields = append(removeFieldNamed(m.fields, name), f)
}

func (t *translator) removeField(op *value, db bool) {
	m, name, ok := t.modelAndName(op, "name")
	if !ok {
		return
	}
	f := m.field(name)
	if f == nil {
		if !m.assumed {
			t.note(migration.NoteUnrecognised, op.start, op.end, "RemoveField: %s has no field %q in the migrations read: the column is taken to be %q", m.name, name, name)
		}
		f = &field{name: name, internal: "TextField", known: true}
	}
	if db && m.migrated() {
		t.e.removeField(m, f)
	}
	m.fields = removeFieldNamed(m.fields, name)
	// Django drops the field from unique/index_together too.
	m.uniqueTogether = withoutField(m.uniqueTogether, name)
	m.indexTogether = withoutField(m.indexTogether, name)
}

func withoutField(tg [][]string, name string) [][]string {
	var out [][]string
	for _, t := range tg {
		keep := true
		for _, n := range t {
			if n == name {
				keep = false
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	return out
}

func (t *translator) alterField(op *value, db bool) {
	m, name, nf, ok := t.fieldOp(op)
	if !ok {
		return
	}
	old := m.field(name)
	switch {
	case old == nil:
		t.note(migration.NoteUnrecognised, op.start, op.end, "AlterField: %s has no field %q in the migrations read: without its previous definition the change is not checked", m.name, name)
	case db && m.migrated():
		t.e.cur.cols[nf.column()] = [2]int{nf.start, nf.end}
		t.e.alterField(m, old, nf)
	}
	if keep, ok := op.kw("preserve_default").truthy(); ok && !keep {
		nf.hasDefault, nf.def = false, nil
	}
	for i, f := range m.fields {
		if f.name == name {
			m.fields[i] = nf
			return
		}
	}
	m.fields = append(m.fields, nf)
}

func (t *translator) renameField(op *value, db bool) {
	mn, ok1 := t.modelName(op, 0, "model_name")
	oldName, ok2 := t.modelName(op, 1, "old_name")
	newName, ok3 := t.modelName(op, 2, "new_name")
	if !ok1 || !ok2 || !ok3 {
		return
	}
	m := t.model(op, mn)
	old := m.field(oldName)
	if old == nil {
		if !m.assumed {
			t.note(migration.NoteUnrecognised, op.start, op.end, "RenameField: %s has no field %q in the migrations read: the column is taken to be %q", m.name, oldName, oldName)
		}
		old = &field{name: oldName, internal: "TextField", known: true}
		m.fields = append(m.fields, old)
	}
	nf := old.clone()
	nf.name = newName
	nf.start, nf.end = op.start, op.end
	if db && m.migrated() {
		t.e.alterField(m, old, nf)
	}
	for i, f := range m.fields {
		if f == old {
			m.fields[i] = nf
		}
	}
	rename := func(tg [][]string) {
		for _, tup := range tg {
			for i, n := range tup {
				if n == oldName {
					tup[i] = newName
				}
			}
		}
	}
	rename(m.uniqueTogether)
	rename(m.indexTogether)
	for _, other := range t.st.models {
		for _, f := range other.fields {
			if f.remote == m.key() && f.toField == oldName {
				f.toField = newName
			}
		}
	}
}

func (t *translator) addIndex(op *value, db, concurrently bool) {
	if m, idx, ok := modelAndParsed(t, op, "index", parseIndex); ok {
		m.indexes = append(m.indexes, idx)
		if db && m.migrated() {
			t.e.addIndex(m, idx, concurrently)
		}
	}
}

// modelAndParsed reads AddIndex's and AddConstraint's model and their
// second argument (what), parsed by parse; a note says what cannot be
// read.
func modelAndParsed[T any](t *translator, op *value, what string, parse func(*value) (*T, string)) (*model, *T, bool) {
	m, ok := t.modelArg(op, 0, "model_name")
	if !ok {
		return nil, nil, false
	}
	x, problem := parse(op.arg(1, what))
	if x == nil {
		t.note(migration.NoteUnrecognised, op.start, op.end, "%s: %s: not checked", op.lastName(), problem)
		return nil, nil, false
	}
	return m, x, true
}

func (t *translator) removeIndex(op *value, db, concurrently bool) {
	m, name, ok := t.modelAndName(op, "name")
	if !ok {
		return
	}
	found := false
	for i, idx := range m.indexes {
		if idx.name == name {
			m.indexes = append(m.indexes[:i:i], m.indexes[i+1:]...)
			found = true
			break
		}
	}
	if !found && !m.assumed {
		t.note(migration.NoteUnrecognised, op.start, op.end, "%s: %s has no index named %q in the migrations read (Django stops with an error)", op.lastName(), m.name, name)
	}
	if db && m.migrated() {
		t.e.dropIndex(name, concurrently)
	}
}

func (t *translator) renameIndex(op *value, db bool) {
	m, newName, ok := t.modelAndName(op, "new_name")
	if !ok {
		return
	}
	oldName, _ := op.kw("old_name").str()
	if oldName == "" && len(op.items) > 2 {
		oldName, _ = op.items[2].str()
	}
	if oldName != "" {
		for _, idx := range m.indexes {
			if idx.name == oldName {
				cp := *idx
				cp.name = newName
				*idx = cp
			}
		}
		if db && m.migrated() {
			t.e.exec(fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quoteName(oldName), quoteName(newName)))
			t.e.db.renameIndex(oldName, newName)
		}
		return
	}
	fields, ok := stringList(op.kw("old_fields"))
	if !ok {
		t.note(migration.NoteUnrecognised, op.start, op.end, "RenameIndex needs old_name or old_fields: not checked")
		return
	}
	// An unnamed index (index_together): found by its columns.
	if db && m.migrated() {
		cols, ok := t.e.columns(m, fields)
		if ok {
			names := t.e.db.names(m.table(), cols, filter{index: yes()})
			if len(names) != 1 {
				t.note(migration.NoteUnrecognised, op.start, op.end, "RenameIndex: Django looks for exactly one index on %s(%s) and finds %d: the migration would stop with ValueError", m.table(), strings.Join(cols, ", "), len(names))
			}
			if len(names) > 0 {
				t.e.exec(fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quoteName(names[0]), quoteName(newName)))
				t.e.db.renameIndex(names[0], newName)
			}
		}
	}
	var kept [][]string
	for _, it := range m.indexTogether {
		if !slices.Equal(it, fields) {
			kept = append(kept, it)
		}
	}
	m.indexTogether = kept
	m.indexes = append(m.indexes, &indexDef{name: newName, fields: fields, call: op})
}

func (t *translator) addConstraint(op *value, db, notValid bool) {
	if m, c, ok := modelAndParsed(t, op, "constraint", parseConstraint); ok {
		m.constraints = append(m.constraints, c)
		if db && m.migrated() {
			t.e.addConstraint(m, c, notValid)
		}
	}
}

func (t *translator) removeConstraint(op *value, db bool) {
	m, name, ok := t.modelAndName(op, "name")
	if !ok {
		return
	}
	var c *constraintDef
	for i, x := range m.constraints {
		if x.name == name {
			c = x
			m.constraints = append(m.constraints[:i:i], m.constraints[i+1:]...)
			break
		}
	}
	if c == nil {
		if !m.assumed {
			t.note(migration.NoteUnrecognised, op.start, op.end, "RemoveConstraint: %s has no constraint named %q in the migrations read (Django stops with an error)", m.name, name)
		}
		c = &constraintDef{kind: "check", name: name}
	}
	if db && m.migrated() {
		t.e.removeConstraint(m, c)
	}
}

func (t *translator) separate(op *value, db bool) {
	if dbOps := op.arg(0, "database_operations"); db && dbOps != nil {
		// Django replays the database operations on a copy of the state;
		// only state_operations change the project state.
		saved := t.st
		t.st = saved.clone()
		t.e.st = t.st
		t.operations(dbOps, true)
		t.st = saved
		t.e.st = saved
	}
	if stOps := op.arg(1, "state_operations"); stOps != nil {
		t.operations(stOps, false)
	}
}

func (t *translator) createCollation(op *value) {
	name, ok := op.arg(0, "name").str()
	locale, ok2 := op.arg(1, "locale").str()
	if !ok || !ok2 {
		t.note(migration.NoteUnrecognised, op.start, op.end, "CreateCollation: name and locale must be strings: not checked")
		return
	}
	provider := "libc"
	if p, ok := op.kw("provider").str(); ok {
		provider = p
	}
	args := []string{"locale=" + quoteString(locale)}
	if provider != "libc" {
		args = append(args, "provider="+quoteString(provider))
	}
	if d, ok := op.kw("deterministic").truthy(); ok && !d {
		args = append(args, "deterministic=false")
	}
	t.e.exec(fmt.Sprintf("CREATE COLLATION %s (%s)", quoteName(name), strings.Join(args, ", ")))
}

// rawOps is a marker statement whose operations were already made (the
// SQL of a RunSQL, parsed where it is written).
func (t *translator) rawOps(list []ops.Op, implicitTx bool, sent []sentStmt) {
	t.e.out = append(t.e.out, sqlStmt{ctx: t.e.cur, raw: list, isRaw: true, implicitTx: implicitTx, sent: sent})
}
