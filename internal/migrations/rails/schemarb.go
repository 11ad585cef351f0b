package rails

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// ReadSchemaRB reads db/schema.rb (ActiveRecord::Schema[x.y].define do
// ... end: create_table with its columns, indexes and check constraints,
// add_foreign_key, enable_extension, create_enum, create_schema) into a
// catalog of baseline objects, as catalog.FromDump does for
// db/structure.sql. What it cannot read becomes a note.
func ReadSchemaRB(f *source.File) (*catalog.Catalog, []migration.Note) {
	parsed := parseRuby(f.Text)
	root := parsed.root
	// ActiveRecord::Schema without [x.y] (dumps of Rails 6.1 and older)
	// loads with 6.1's defaults.
	t := &tr{f: f, src: f.Text, cat: catalog.New(), pg: ops.DefaultPGVersion, ver: version{6, 1}, schemaFile: true}
	t.reportSyntaxErrors(parsed)
	t.heredocs = collectHeredocs(root)
	t.methods = map[string]*node{}
	t.consts = map[string]value{}
	t.ivars = map[string]value{}
	define := findSchemaDefine(root, f.Text)
	if define == nil {
		t.note = append(t.note, noteUnrecognised(f.Span(0, lineEnd(f.Text, 0)), "no ActiveRecord::Schema.define block found: the schema file gives no tables"))
		return t.cat, t.note
	}
	recv, _, _, block := callParts(define)
	if er := child(recv, "element_reference"); er != nil || recv.Type() == "element_reference" {
		if recv.Type() != "element_reference" {
			recv = er
		}
		for _, k := range tsnode.Named(recv)[1:] {
			if v, ok := parseVersion(text(k, f.Text)); ok {
				t.ver = v
			}
		}
	}
	_, body := blockParts(block)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.note = append(t.note, noteUnrecognised(f.Span(int(define.StartByte()), int(define.StartByte())), fmt.Sprintf("schemagate could not read the rest of this file (internal error: %v)", r)))
			}
		}()
		defer t.flushSent()
		t.exec(body, newEnv(nil))
	}()
	return t.cat, t.note
}

// findSchemaDefine finds the ActiveRecord::Schema(.define) call.
func findSchemaDefine(n *node, src []byte) *node {
	if n.Type() == "call" {
		recv, meth, _, block := callParts(n)
		if meth != nil && text(meth, src) == "define" && block != nil && recv != nil && strings.Contains(text(recv, src), "Schema") {
			return n
		}
	}
	for _, k := range tsnode.Children(n) {
		if d := findSchemaDefine(k, src); d != nil {
			return d
		}
	}
	return nil
}
