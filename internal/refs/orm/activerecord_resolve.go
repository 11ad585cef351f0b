package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/inflect"
	"github.com/schemagate/schemagate/internal/refs"
)

// This file turns the classes collected from Ruby files into references:
// which classes are models, their tables (Rails' compute_table_name) and
// their effective ignored_columns.

// lookupConst resolves a constant path written in scope to a full name
// present in set, the way Ruby's lexical lookup would; "" if none.
func lookupConst[T any](set map[string]T, name string, scope []string) string {
	for i := len(scope) - 1; i >= 0; i-- {
		if _, ok := set[scope[i]+"::"+name]; ok {
			return scope[i] + "::" + name
		}
	}
	if _, ok := set[name]; ok {
		return name
	}
	return ""
}

func (r *arResolver) parent(c *arClass) *arClass {
	if c.parentCls != nil || c.super == "" {
		return c.parentCls
	}
	scope := c.scope
	if c.superTop {
		scope = nil
	}
	if full := lookupConst(r.classes, c.super, scope); full != "" && r.classes[full] != c {
		c.parentCls = r.classes[full]
	}
	return c.parentCls
}

func (r *arResolver) isARBase(name string) bool {
	if name == "ActiveRecord::Base" || strings.HasSuffix(inflect.Demodulize(name), "Record") {
		return true
	}
	for _, b := range r.a.AbstractBases {
		if strings.TrimPrefix(b, "::") == name {
			return true
		}
	}
	return false
}

// nonModelParent lists superclass names that are certainly not
// ActiveRecord models, for parents defined outside the extracted files.
func nonModelParent(name string) bool {
	root := name
	if i := strings.Index(name, "::"); i >= 0 {
		root = name[:i]
	}
	switch root {
	case "ActiveModel", "ActiveSupport", "ActionController", "ActionMailer", "ActiveJob", "ActionView",
		"ActionCable", "Rails", "Struct", "OpenStruct", "Data", "Hash", "Array", "Set", "String", "Object",
		"BasicObject", "SimpleDelegator", "Delegator", "Module", "Class", "Exception", "StandardError",
		"Dry", "Grape", "GraphQL", "Types", "Sidekiq", "Thor", "Rake":
		return true
	}
	last := inflect.Demodulize(name)
	for _, suf := range []string{"Error", "Exception", "Job", "Worker", "Controller", "Mailer", "Serializer",
		"Service", "Policy", "Presenter", "Decorator", "Form", "Struct", "Validator", "Type", "Resolver",
		"Mutation", "Entity", "Builder", "Finder", "Uploader", "Channel", "Helper", "Command"} {
		if strings.HasSuffix(last, suf) {
			return true
		}
	}
	return false
}

func (r *arResolver) kind(c *arClass) arKind {
	if k, ok := r.kinds[c]; ok {
		if k == arUnknown { // cycle
			return arNotModel
		}
		return k
	}
	r.kinds[c] = arUnknown
	k := r.computeKind(c)
	r.kinds[c] = k
	return k
}

func (r *arResolver) computeKind(c *arClass) arKind {
	if c.super == "" {
		return arNotModel
	}
	model := false
	sti := false
	if p := r.parent(c); p != nil {
		switch r.kind(p) {
		case arAbstract:
			model = true
		case arBase, arSTI:
			model, sti = true, true
		}
	} else if r.isARBase(c.super) {
		model = true
	} else if c.modelsDir && !nonModelParent(c.super) {
		model, sti = true, true
	}
	switch {
	case !model:
		return arNotModel
	case c.abstract:
		return arAbstract
	case sti:
		return arSTI
	}
	return arBase
}

// reference builds the reference of one class, if it is a concrete model.
func (r *arResolver) reference(c *arClass) (refs.Reference, bool) {
	k := r.kind(c)
	if k != arBase && k != arSTI {
		return refs.Reference{}, false
	}
	table, sure := r.table(c)
	ref := newRef(c.file, refs.ActiveRecord, c.off, table)
	if !sure {
		ref.Certainty = refs.Ambiguous
	}
	ref.Ignored = r.ignored(c, 0)
	ref.Writes = r.associationWrites(c, r.writes(c, 0))
	return ref, true
}

// table returns the table of a model class; sure is false when a
// table_name is set to something other than a literal and the default
// name is used instead.
func (r *arResolver) table(c *arClass) (string, bool) {
	if r.kind(c) == arSTI {
		if p := r.parent(c); p != nil {
			return r.table(p)
		}
		return r.defaultTable(r.externalParent(c)), true
	}
	if c.tableName != nil {
		if c.tableName.ok {
			return c.tableName.s, true
		}
		return r.defaultTable(c), false
	}
	return r.defaultTable(c), true
}

// externalParent stands in for an STI parent defined in another file:
// an unqualified name written inside a module is taken to live in that
// module, so that the module's table_name_prefix applies.
func (r *arResolver) externalParent(c *arClass) *arClass {
	name := c.super
	if !strings.Contains(name, "::") && len(c.scope) > 0 {
		if _, isClass := r.classes[c.scope[len(c.scope)-1]]; !isClass {
			name = c.scope[len(c.scope)-1] + "::" + name
		}
	}
	return &arClass{name: name, file: c.file}
}

// defaultTable is Rails' compute_table_name for a base class.
func (r *arResolver) defaultTable(c *arClass) string {
	prefix := r.fullPrefix(c)
	contained := ""
	if ns := namespaceOf(c.name); ns != "" {
		if p, ok := r.classes[ns]; ok && r.kind(p) != arAbstract && r.kind(p) != arNotModel {
			t, _ := r.table(p)
			_, t = splitSchema(t)
			if !r.noPluralize(p) {
				t = r.infl.Singularize(t)
			}
			contained = t + "_"
		}
	}
	name := r.infl.Underscore(inflect.Demodulize(c.name))
	if !r.noPluralize(c) {
		name = r.infl.Pluralize(name)
	}
	return prefix + contained + name + r.classAttr(c, func(c *arClass) *arValue { return c.suffix })
}

func namespaceOf(name string) string {
	if i := strings.LastIndex(name, "::"); i >= 0 {
		return name[:i]
	}
	return ""
}

// fullPrefix is Rails' full_table_name_prefix: the innermost enclosing
// module or model class that has a table_name_prefix, else the class's
// own (possibly inherited) one.
func (r *arResolver) fullPrefix(c *arClass) string {
	for ns := namespaceOf(c.name); ns != ""; ns = namespaceOf(ns) {
		if p, ok := r.modPrefix[ns]; ok {
			return p
		}
		if pc, ok := r.classes[ns]; ok && r.kind(pc) != arNotModel {
			return r.classAttr(pc, func(c *arClass) *arValue { return c.prefix })
		}
	}
	return r.classAttr(c, func(c *arClass) *arValue { return c.prefix })
}

// classAttr returns a class attribute set on c or inherited from a
// superclass in the extracted files.
func (r *arResolver) classAttr(c *arClass, get func(*arClass) *arValue) string {
	for i := 0; c != nil && i < 32; i++ {
		if v := get(c); v != nil {
			return v.s
		}
		c = r.parent(c)
	}
	return ""
}

func (r *arResolver) noPluralize(c *arClass) bool {
	for i := 0; c != nil && i < 32; i++ {
		if c.noPluralize {
			return true
		}
		c = r.parent(c)
	}
	return false
}

// ignored returns the effective ignored_columns of c: its parent's,
// replaced or extended by c's own assignments in order.
func (r *arResolver) ignored(c *arClass, depth int) []string {
	var cols []string
	if p := r.parent(c); p != nil && depth < 32 {
		cols = r.ignored(p, depth+1)
	}
	for _, op := range c.ignoreOps {
		if op.replace {
			cols = nil
		}
		r.visiting = map[string]bool{}
		cols = uniq(cols, r.expand(op.items)...)
	}
	return cols
}

// expand turns items into column names, resolving constants; an
// unknown constant becomes ConstPrefix + its name.
func (r *arResolver) expand(items []arItem) []string {
	var out []string
	for _, it := range items {
		if it.konst == "" {
			out = append(out, it.lit)
			continue
		}
		full := lookupConst(r.consts, it.konst, it.scope)
		if full == "" {
			out = append(out, ConstPrefix+it.konst)
			continue
		}
		if r.visiting[full] {
			continue
		}
		r.visiting[full] = true
		out = append(out, r.expand(r.consts[full].items)...)
		delete(r.visiting, full)
	}
	return out
}

// inModelsDir reports whether a file lies under a "models" directory
// (app/models, engines/x/app/models, lib/models).
func inModelsDir(p string) bool { return inDir(p, "models") }
