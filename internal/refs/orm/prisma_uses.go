package orm

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// PrismaClient extracts the attribute uses of Prisma models in
// TypeScript and JavaScript: the keys of a Prisma Client call's
// arguments that name a model's fields, resolved to the table and column
// through schema.prisma (@@map, @map, @@schema). Read are calls
// <client>.<model>.<operation>({...}) (prisma.user.findMany, tx.blogPost
// .update) and in their argument the keys of select, omit, where (with
// AND/OR/NOT and relation filters), data (create, update, upsert's
// create and update, createMany's list), orderBy, cursor, distinct and
// groupBy's by lists, the aggregates (_count, _sum, ...) and include;
// a relation key's nested select/where/orderBy/include reads the related
// model. They are evidence (Usage Attribute); the model decides.
var PrismaClient refs.FilesExtractor = &program{
	name: "prisma-client",
	// Prisma schemas and the sources the JavaScript extractor reads.
	match:   func(p string) bool { return matchPrisma(p) || matchJS(p) },
	extract: prismaClientUses,
}

// prismaInfo is what the uses need of one model.
type prismaInfo struct {
	schema, table string
	columns       map[string]string // scalar field -> column
	relations     map[string]string // relation field -> related model
}

// prismaOperations are the model methods of Prisma Client.
var prismaOperations = map[string]bool{
	"findMany": true, "findFirst": true, "findFirstOrThrow": true, "findUnique": true, "findUniqueOrThrow": true,
	"create": true, "createMany": true, "createManyAndReturn": true, "update": true, "updateMany": true,
	"updateManyAndReturn": true, "upsert": true, "delete": true, "deleteMany": true, "count": true,
	"aggregate": true, "groupBy": true,
}

// rePrismaCall finds `.accessor.operation(` to pick the files worth parsing.
var rePrismaCall = regexp.MustCompile(`\.\s*([A-Za-z_$][\w$]*)\s*\.\s*(findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany|count|aggregate|groupBy)\s*[(<]`)

// prismaClientUses reads the schemas first, then the client calls.
func prismaClientUses(files []*source.File) ([]refs.Reference, error) {
	models := map[string]*prismaInfo{} // accessor (lowerCamel model name) -> model
	byName := map[string]*prismaInfo{}
	seen := map[string]int{}
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".prisma") {
			continue
		}
		for name, mi := range prismaInfos(parsePrisma(f.Text)) {
			seen[name]++
			byName[name] = mi
		}
	}
	for name, mi := range byName {
		if seen[name] == 1 { // two models of that name: which one is unknown
			models[prismaAccessor(name)] = mi
		}
	}
	if len(models) == 0 {
		return nil, nil
	}
	var out []refs.Reference
	var firstErr error
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".prisma") || !mentionsPrismaCall(f.Text, models) {
			continue
		}
		tree, err := parseTree(jsGrammarFor(f.Path).lang, f.Path, f.Text)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		w := &prismaUsesWalker{f: f, models: models, byName: byName}
		walk(tree.RootNode(), func(n *sitter.Node) bool {
			if n.Type() == "call_expression" {
				w.call(n)
			}
			return true
		})
		out = append(out, w.out...)
		tree.Close()
	}
	return out, firstErr
}

// prismaInfos reads the field to column map of each model of a schema.
func prismaInfos(blocks []prismaBlock) map[string]*prismaInfo {
	kinds := prismaKinds(blocks)
	out := map[string]*prismaInfo{}
	for _, b := range blocks {
		if b.kind != "model" {
			continue
		}
		m := readPrismaModel(b)
		if m.ignored {
			continue
		}
		mi := &prismaInfo{schema: m.schema, table: m.table, columns: map[string]string{}, relations: map[string]string{}}
		for _, fd := range m.fields {
			if kinds[fd.base] == "model" {
				mi.relations[fd.name] = fd.base
				continue
			}
			mi.columns[fd.name] = fd.col
		}
		out[b.name] = mi
	}
	return out
}

// prismaAccessor is the client property of a model: its name with the
// first letter lowered (BlogPost -> blogPost).
func prismaAccessor(model string) string {
	if model == "" {
		return ""
	}
	return strings.ToLower(model[:1]) + model[1:]
}

func mentionsPrismaCall(src []byte, models map[string]*prismaInfo) bool {
	for _, m := range rePrismaCall.FindAllSubmatch(src, -1) {
		if models[string(m[1])] != nil {
			return true
		}
	}
	return false
}

type prismaUsesWalker struct {
	f      *source.File
	models map[string]*prismaInfo
	byName map[string]*prismaInfo
	out    []refs.Reference
}

// call reads <client>.<accessor>.<operation>(args).
func (w *prismaUsesWalker) call(n *sitter.Node) {
	fn := n.ChildByFieldName("function")
	if fn == nil || fn.Type() != "member_expression" || !prismaOperations[text(fn.ChildByFieldName("property"), w.f.Text)] {
		return
	}
	obj := fn.ChildByFieldName("object")
	if obj == nil || obj.Type() != "member_expression" {
		return
	}
	mi := w.models[text(obj.ChildByFieldName("property"), w.f.Text)]
	if mi == nil {
		return
	}
	args := namedChildren(n.ChildByFieldName("arguments"))
	if len(args) > 0 {
		w.args(mi, args[0])
	}
}

// args reads an operation's argument object (or a relation's nested one).
func (w *prismaUsesWalker) args(mi *prismaInfo, obj *sitter.Node) {
	for key, val := range w.pairs(obj) {
		switch key.name {
		case "select", "omit", "include", "_count", "_sum", "_avg", "_min", "_max":
			w.fields(mi, val)
		case "where", "cursor":
			w.where(mi, val)
		case "data", "create", "update":
			w.eachObject(val, func(o *sitter.Node) { w.fields(mi, o) })
		case "orderBy":
			w.eachObject(val, func(o *sitter.Node) { w.orderBy(mi, o) })
		case "distinct", "by":
			w.names(mi, val)
		}
	}
}

// prismaKey is an object key and where it is written.
type prismaKey struct {
	name string
	node *sitter.Node
}

// pairs returns the keys and values of an object literal; a shorthand
// { email } has itself as value.
func (w *prismaUsesWalker) pairs(obj *sitter.Node) map[prismaKey]*sitter.Node {
	out := map[prismaKey]*sitter.Node{}
	if obj == nil || obj.Type() != "object" {
		return out
	}
	for _, p := range namedChildren(obj) {
		switch p.Type() {
		case "pair":
			k := p.ChildByFieldName("key")
			name := text(k, w.f.Text)
			if k != nil && k.Type() == "string" {
				name = strings.Trim(name, `"'`)
			}
			out[prismaKey{name, k}] = p.ChildByFieldName("value")
		case "shorthand_property_identifier":
			out[prismaKey{text(p, w.f.Text), p}] = p
		}
	}
	return out
}

// fields reads an object whose keys are fields: scalar keys are uses,
// relation keys read their nested arguments on the related model.
func (w *prismaUsesWalker) fields(mi *prismaInfo, obj *sitter.Node) {
	for key, val := range w.pairs(obj) {
		if rel := w.byName[mi.relations[key.name]]; rel != nil {
			if val != nil && val.Type() == "object" {
				w.args(rel, val)
			}
			continue
		}
		w.emit(mi, key.name, key.node)
	}
}

// where reads a filter: field keys, AND/OR/NOT, and relation filters
// (some/every/none/is/isNot or the related model's filter itself).
func (w *prismaUsesWalker) where(mi *prismaInfo, obj *sitter.Node) {
	for key, val := range w.pairs(obj) {
		switch key.name {
		case "AND", "OR", "NOT":
			w.eachObject(val, func(o *sitter.Node) { w.where(mi, o) })
			continue
		}
		rel := w.byName[mi.relations[key.name]]
		if rel == nil {
			w.emit(mi, key.name, key.node)
			continue
		}
		inner := w.pairs(val)
		wrapped := false
		for k, v := range inner {
			switch k.name {
			case "some", "every", "none", "is", "isNot":
				w.where(rel, v)
				wrapped = true
			}
		}
		if !wrapped {
			w.where(rel, val)
		}
	}
}

// orderBy reads { field: "asc" } and { relation: { field: "desc" } }.
func (w *prismaUsesWalker) orderBy(mi *prismaInfo, obj *sitter.Node) {
	for key, val := range w.pairs(obj) {
		if rel := w.byName[mi.relations[key.name]]; rel != nil {
			w.orderBy(rel, val)
			continue
		}
		w.emit(mi, key.name, key.node)
	}
}

// names reads a list of field names: distinct: ["email"], by: ["city"].
func (w *prismaUsesWalker) names(mi *prismaInfo, list *sitter.Node) {
	if list == nil || list.Type() != "array" {
		return
	}
	for _, e := range namedChildren(list) {
		if e.Type() == "string" {
			w.emit(mi, strings.Trim(text(e, w.f.Text), `"'`), e)
		}
	}
}

// eachObject calls fn for an object, or for each object of an array.
func (w *prismaUsesWalker) eachObject(n *sitter.Node, fn func(*sitter.Node)) {
	if n == nil {
		return
	}
	switch n.Type() {
	case "object":
		fn(n)
	case "array":
		for _, e := range namedChildren(n) {
			if e.Type() == "object" {
				fn(e)
			}
		}
	}
}

// emit records a use of field when it is a scalar field of the model.
func (w *prismaUsesWalker) emit(mi *prismaInfo, field string, at *sitter.Node) {
	col, ok := mi.columns[field]
	if !ok || at == nil {
		return
	}
	w.out = append(w.out, attributeRef(w.f, refs.Prisma, int(at.StartByte()), mi.schema, mi.table, col, refs.Resolved))
}
