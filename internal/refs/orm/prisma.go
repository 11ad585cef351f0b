package orm

import (
	"iter"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// Prisma extracts one reference per model of a Prisma schema: Usage
// Model, Table = @@map("t") or the model name, Schema = @@schema("s"),
// Columns = each scalar field's @map("col") or name. Relation fields
// (typed by another model, lists of non-scalars, or carrying @relation)
// are not columns; @ignore fields and @@ignore models are skipped; enums,
// composite types, views, datasources and generators emit nothing.
//
// A field typed by a name that is neither a scalar nor a block of the
// same file (multi-file schemas) is taken to be an enum column unless it
// is a list or has @relation.
var Prisma refs.Extractor = &extractor{
	name:    string(refs.Prisma),
	match:   matchPrisma,
	extract: prismaModels,
}

var prismaScalars = map[string]bool{
	"String": true, "Boolean": true, "Int": true, "BigInt": true, "Float": true,
	"Decimal": true, "DateTime": true, "Json": true, "Bytes": true, "Unsupported": true,
}

// prismaBlock is one top-level `kind Name { ... }` block.
type prismaBlock struct {
	kind, name string
	off        int // byte offset of the kind keyword
	lines      []prismaLine
}

// prismaLine is one logical line of a block (continued while
// parentheses or brackets are open), comments removed.
type prismaLine struct {
	text string
	off  int // byte offset of its first character
}

func prismaModels(path string, src []byte) ([]refs.Reference, error) {
	f := source.NewFile(path, src)
	blocks := parsePrisma(src)
	kinds := prismaKinds(blocks)
	var out []refs.Reference
	for _, b := range blocks {
		if b.kind != "model" {
			continue
		}
		if ref, ok := prismaModel(f, b, kinds); ok {
			out = append(out, ref)
		}
	}
	return out, nil
}

// prismaKinds maps each block's name to its kind (model, enum, view, type).
func prismaKinds(blocks []prismaBlock) map[string]string {
	kinds := map[string]string{}
	for _, b := range blocks {
		kinds[b.name] = b.kind
	}
	return kinds
}

func prismaModel(f *source.File, b prismaBlock, kinds map[string]string) (refs.Reference, bool) {
	m := readPrismaModel(b)
	if m.ignored {
		return refs.Reference{}, false
	}
	var cols []string
	var writes []refs.Write
	for _, fd := range m.fields {
		switch k := kinds[fd.base]; {
		case fd.skip:
			continue
		case k == "model" || k == "view" || k == "type":
			continue
		case !prismaScalars[fd.base] && k != "enum" && fd.list:
			continue // a list of an unknown type: a relation to a model elsewhere
		}
		cols = uniq(cols, fd.col)
		if w, ok := prismaWrite(f, fd); ok {
			writes = append(writes, w)
		}
	}
	ref := newRef(f, refs.Prisma, b.off, m.table)
	ref.Schema, ref.Table = m.schema, m.table
	ref.Columns = cols
	ref.Writes = writes
	return ref, true
}

// prismaModelDecl is a model block read: the table and schema it maps
// (@@map, @@schema), whether @@ignore drops it, and its fields.
type prismaModelDecl struct {
	table, schema string
	ignored       bool
	fields        []prismaField
}

// prismaField is one field of a model.
type prismaField struct {
	name, col string // col is @map("col"), else the name
	typ       string // as written: String?, Post[], Unsupported("x")?
	base      string // the type without ?, [] and arguments
	list      bool
	filled    bool // @default, @updatedAt or @id
	skip      bool // @ignore or @relation
	line      prismaLine
}

func readPrismaModel(b prismaBlock) prismaModelDecl {
	m := prismaModelDecl{table: b.name}
	for _, l := range b.lines {
		if rest, ok := strings.CutPrefix(l.text, "@@"); ok {
			name, args := prismaAttr(rest)
			switch name {
			case "ignore":
				m.ignored = true
			case "map":
				if s, ok := prismaStringArg(args, "name"); ok {
					m.table = s
				}
			case "schema":
				if s, ok := prismaStringArg(args, "map"); ok {
					m.schema = s
				}
			}
			continue
		}
		name, rest := prismaToken(l.text)
		typ, attrs := prismaType(rest)
		if typ == "" || !isIdent(name) {
			continue
		}
		fd := prismaField{name: name, col: name, typ: typ, line: l}
		fd.base = strings.TrimSuffix(strings.TrimSuffix(typ, "?"), "[]")
		if i := strings.IndexByte(fd.base, '('); i >= 0 {
			fd.base = fd.base[:i]
		}
		fd.list = strings.HasSuffix(strings.TrimSuffix(typ, "?"), "[]")
		for _, a := range splitPrismaAttrs(attrs) {
			name, args := prismaAttr(a)
			switch name {
			case "default", "updatedAt", "id":
				fd.filled = true
			case "ignore", "relation":
				fd.skip = true
			case "map":
				if s, ok := prismaStringArg(args, "name"); ok {
					fd.col = s
				}
			}
		}
		m.fields = append(m.fields, fd)
	}
	return m
}

// prismaWrite says how Prisma Client's creates fill a scalar field's
// column, at the field's line: a required field (no ?) is required by
// create() itself, and @default, @updatedAt and @id fill the column when
// the code does not; an optional field (Type?) without them may be left
// out, and the row gets the column's default or NULL. Scalar lists and a
// required Unsupported field (create() is not generated for its model)
// are left unknown.
func prismaWrite(f *source.File, fd prismaField) (refs.Write, bool) {
	optional := strings.HasSuffix(fd.typ, "?")
	if fd.list || (fd.base == "Unsupported" && !optional) {
		return refs.Write{}, false
	}
	line := f.Pos(fd.line.off).Line
	return refs.Write{Column: fd.col, Always: fd.filled || !optional, Line: line, Snippet: snippet(f, line)}, true
}

// parsePrisma splits a schema into blocks. It tolerates junk: text
// outside blocks is skipped and an unclosed block ends at end of file.
func parsePrisma(src []byte) []prismaBlock {
	var blocks []prismaBlock
	var cur *prismaBlock
	var pending strings.Builder
	pendingOff, depth := -1, 0
	for off := 0; off < len(src); {
		end := off
		for end < len(src) && src[end] != '\n' {
			end++
		}
		line := stripPrismaComment(string(src[off:end]))
		lineOff := off
		off = end + 1
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		lead := lineOff + strings.Index(line, trimmed)
		// An unindented "}" or block header ends the current block even
		// when an unbalanced parenthesis kept a line open.
		if cur != nil && depth > 0 && lead == lineOff && (strings.HasPrefix(trimmed, "}") || isBlockHeader(trimmed)) {
			cur.lines = append(cur.lines, prismaLine{text: pending.String(), off: pendingOff})
			pending.Reset()
			pendingOff, depth = -1, 0
			cur = nil
			if strings.HasPrefix(trimmed, "}") {
				continue
			}
		}
		if cur == nil {
			kind, rest := prismaToken(trimmed)
			name, rest := prismaToken(rest)
			if !strings.HasPrefix(strings.TrimSpace(rest), "{") || name == "" {
				continue
			}
			blocks = append(blocks, prismaBlock{kind: kind, name: name, off: lead})
			cur = &blocks[len(blocks)-1]
			trimmed = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "{"))
			if trimmed == "" {
				continue
			}
		}
		if depth == 0 && strings.HasPrefix(trimmed, "}") {
			cur = nil
			continue
		}
		if pendingOff < 0 {
			pendingOff = lead
		} else {
			pending.WriteByte(' ')
		}
		pending.WriteString(trimmed)
		depth += prismaDepth(trimmed)
		if depth > 0 {
			continue
		}
		depth = 0
		text := pending.String()
		closes := false
		if strings.HasSuffix(text, "}") && strings.Count(text, "{") < strings.Count(text, "}") {
			text = strings.TrimSpace(strings.TrimSuffix(text, "}"))
			closes = true
		}
		if text != "" {
			cur.lines = append(cur.lines, prismaLine{text: text, off: pendingOff})
		}
		pending.Reset()
		pendingOff = -1
		if closes {
			cur = nil
		}
	}
	if cur != nil && pendingOff >= 0 {
		cur.lines = append(cur.lines, prismaLine{text: pending.String(), off: pendingOff})
	}
	return blocks
}

// isBlockHeader matches `model Name {`.
func isBlockHeader(s string) bool {
	kind, rest := prismaToken(s)
	name, rest := prismaToken(rest)
	return isIdent(kind) && isIdent(name) && strings.HasPrefix(strings.TrimSpace(rest), "{")
}

// prismaCode yields the offsets of the bytes of s outside string
// literals (the quotes themselves are not yielded).
func prismaCode(s string) iter.Seq[int] {
	return func(yield func(int) bool) {
		inStr := false
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && inStr:
				i++
			case c == '"':
				inStr = !inStr
			case !inStr:
				if !yield(i) {
					return
				}
			}
		}
	}
}

// stripPrismaComment removes a // comment outside string literals.
func stripPrismaComment(s string) string {
	for i := range prismaCode(s) {
		if s[i] == '/' && i+1 < len(s) && s[i+1] == '/' {
			return s[:i]
		}
	}
	return s
}

// prismaDepth is the net count of open ( and [ outside strings.
func prismaDepth(s string) int {
	d := 0
	for i := range prismaCode(s) {
		switch s[i] {
		case '(', '[':
			d++
		case ')', ']':
			d--
		}
	}
	return d
}

// prismaToken splits off the first whitespace-separated word.
func prismaToken(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// prismaType splits a field's type (String?, Post[], Unsupported("x")?)
// from its attributes.
func prismaType(s string) (string, string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "@") {
		return "", s
	}
	depth := 0
	for i := range prismaCode(s) {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && (c == ' ' || c == '\t' || c == '@'):
			return s[:i], s[i:]
		}
	}
	return s, ""
}

// splitPrismaAttrs splits "@id @default(now()) @map("x")" into
// attributes without their leading @.
func splitPrismaAttrs(s string) []string {
	var out []string
	depth, start := 0, -1
	for i := range prismaCode(s) {
		switch c := s[i]; {
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == '@' && depth == 0:
			if start >= 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
			}
			start = i + 1
		}
	}
	if start >= 0 {
		out = append(out, strings.TrimSpace(s[start:]))
	}
	return out
}

// prismaAttr splits `map("x")` (or `db.VarChar(20)`) into name and the
// text inside the parentheses.
func prismaAttr(s string) (string, string) {
	name, args, ok := strings.Cut(strings.TrimSpace(s), "(")
	if !ok {
		return name, ""
	}
	if j := strings.LastIndexByte(args, ')'); j >= 0 {
		args = args[:j]
	}
	return strings.TrimSpace(name), args
}

// prismaStringArg returns the first positional string argument, or the
// named one (`name: "x"`).
func prismaStringArg(args, key string) (string, bool) {
	args = strings.TrimSpace(args)
	if strings.HasPrefix(args, key+":") {
		args = strings.TrimSpace(strings.TrimPrefix(args, key+":"))
	}
	if !strings.HasPrefix(args, `"`) {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(args); i++ {
		switch c := args[i]; c {
		case '\\':
			if i+1 < len(args) {
				b.WriteByte(args[i+1])
				i++
			}
		case '"':
			return b.String(), true
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isUpper(c) || isLower(c) || c == '_' || (i > 0 && isDigit(c))) {
			return false
		}
	}
	return s != ""
}
