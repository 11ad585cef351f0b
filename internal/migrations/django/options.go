package django

import (
	"slices"
	"strings"
)

// clone deep-copies the state (SeparateDatabaseAndState replays its
// database operations on a copy).
func (s *state) clone() *state {
	c := &state{models: make(map[string]*model, len(s.models)), order: slices.Clone(s.order), userModel: s.userModel, autoField: map[string]string{}, fixedAutoField: s.fixedAutoField}
	for k, m := range s.models {
		c.models[k] = m.clone()
	}
	for k, v := range s.autoField {
		c.autoField[k] = v
	}
	return c
}

// strings reads a list or tuple of strings.
func stringList(v *value) ([]string, bool) {
	items, ok := v.seq()
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.str()
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// together reads unique_together/index_together: a set or tuple of
// tuples, or a single tuple of names (normalize_together).
func together(v *value) ([][]string, bool) {
	if v == nil || v.is(kNone) {
		return nil, true
	}
	// set(), frozenset(), tuple(): empty; set([...]), the spelling of
	// migrations written before set literals: its argument.
	if v.is(kCall) && len(v.items) <= 1 && len(v.kwargs) == 0 {
		switch v.s {
		case "set", "frozenset", "tuple", "list":
			if len(v.items) == 0 {
				return nil, true
			}
			return together(v.items[0])
		}
	}
	items, ok := v.seq()
	if !ok {
		return nil, false
	}
	if len(items) == 0 {
		return nil, true
	}
	if items[0].is(kStr) {
		s, ok := stringList(v)
		if !ok {
			return nil, false
		}
		return [][]string{s}, true
	}
	var out [][]string
	for _, it := range items {
		s, ok := stringList(it)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// indexMethods maps contrib.postgres index classes to their access
// method.
var indexMethods = map[string]string{
	"Index": "", "GinIndex": "gin", "GistIndex": "gist", "BrinIndex": "brin", "HashIndex": "hash",
	"SpGistIndex": "spgist", "BTreeIndex": "btree", "BloomIndex": "bloom",
}

// parseIndex reads a models.Index(...) (or a contrib.postgres index).
func parseIndex(v *value) (*indexDef, string) {
	if !v.is(kCall) {
		return nil, "index is not an Index(...) call"
	}
	method, ok := indexMethods[v.lastName()]
	if !ok {
		if strings.HasSuffix(v.lastName(), "Index") {
			method = strings.ToLower(strings.TrimSuffix(v.lastName(), "Index"))
		} else {
			return nil, "index " + v.text + " is not an index class schemagate knows"
		}
	}
	idx := &indexDef{method: method, call: v, condition: v.kw("condition")}
	idx.name, _ = v.kw("name").str()
	if f := v.kw("fields"); f != nil {
		fs, ok := stringList(f)
		if !ok {
			return nil, "index fields are not a list of names"
		}
		idx.fields = fs
	}
	idx.expressions = v.items
	idx.opclasses, _ = stringList(v.kw("opclasses"))
	idx.include, _ = stringList(v.kw("include"))
	if idx.condition.is(kNone) {
		idx.condition = nil
	}
	return idx, ""
}

// parseConstraint reads a CheckConstraint, UniqueConstraint or
// ExclusionConstraint.
func parseConstraint(v *value) (*constraintDef, string) {
	if !v.is(kCall) {
		return nil, "constraint is not a constructor call"
	}
	c := &constraintDef{call: v}
	c.name, _ = v.kw("name").str()
	switch v.lastName() {
	case "CheckConstraint":
		c.kind = "check"
		c.check = v.kw("check")
		if c.check == nil {
			c.check = v.kw("condition") // Django 5.1+
		}
		if c.check == nil {
			return nil, "CheckConstraint without check"
		}
	case "UniqueConstraint":
		c.kind = "unique"
		c.fields, _ = stringList(v.kw("fields"))
		c.condition = v.kw("condition")
		if c.condition.is(kNone) {
			c.condition = nil
		}
		c.include, _ = stringList(v.kw("include"))
		c.opclasses, _ = stringList(v.kw("opclasses"))
		c.expressions = v.items
		if d := v.kw("deferrable"); d != nil && !d.is(kNone) {
			c.deferrable = strings.ToLower(d.lastName())
		}
		if n := v.kw("nulls_distinct"); n != nil {
			if b, ok := n.truthy(); ok && !n.is(kNone) {
				c.nullsDistinct = &b
			}
		}
	case "ExclusionConstraint":
		c.kind = "exclusion"
		if x, ok := v.kw("expressions").seq(); ok {
			c.expressions = x
		}
		c.condition = v.kw("condition")
		if c.condition.is(kNone) {
			c.condition = nil
		}
		if d := v.kw("deferrable"); d != nil && !d.is(kNone) {
			c.deferrable = strings.ToLower(d.lastName())
		}
	default:
		return nil, "constraint class " + v.s + " is not one schemagate knows"
	}
	return c, ""
}
