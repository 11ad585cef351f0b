package rails

// Migrations written to run on databases in any state ask before they
// change: `add_index ... unless index_exists?(...)`, `if
// column_exists?(...)` around a remove_column. Such a statement can run
// again after a failure, as IF [NOT] EXISTS would: its operations are
// marked Guarded.

// existenceQuestions are the methods that ask whether an object exists.
var existenceQuestions = map[string]bool{
	"table_exists?": true, "data_source_exists?": true, "view_exists?": true,
	"column_exists?": true, "column_exist?": true, "index_exists?": true, "index_name_exists?": true,
	"foreign_key_exists?": true, "check_constraint_exists?": true, "extension_enabled?": true,
}

// asksExistence reports whether a condition asks whether an object
// exists.
func (t *tr) asksExistence(n *node) bool {
	if n == nil {
		return false
	}
	switch n.typ {
	case "identifier":
		return existenceQuestions[n.text(t.src)]
	case "call":
		if _, meth, _, _ := callParts(n); meth != nil && existenceQuestions[meth.text(t.src)] {
			return true
		}
	}
	for _, k := range n.kids {
		if t.asksExistence(k) {
			return true
		}
	}
	return false
}

// guardedBy runs f, marking the operations it sends Guarded when cond
// asks whether an object exists.
func (t *tr) guardedBy(cond *node, f func() (bool, value)) (bool, value) {
	if !t.asksExistence(cond) {
		return f()
	}
	t.guards++
	defer func() { t.guards-- }()
	return f()
}

// returnsOnExistence reports whether s is `return if ...` (or unless)
// asking whether an object exists.
func (t *tr) returnsOnExistence(s *node) bool {
	if s.typ != "if_modifier" && s.typ != "unless_modifier" {
		return false
	}
	body := s.firstNamed()
	return body != nil && body.typ == "return" && t.asksExistence(s.lastNamed())
}
