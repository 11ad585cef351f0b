package rails

// Migrations written to run on databases in any state ask before they
// change: `add_index ... unless index_exists?(...)`, `if
// column_exists?(...)` around a remove_column. Such a statement can run
// again after a failure, as IF [NOT] EXISTS would: its operations are
// marked Guarded.

import "github.com/schemagate/schemagate/internal/tsnode"

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
	switch n.Type() {
	case "identifier":
		return existenceQuestions[t.text(n)]
	case "call":
		if _, meth, _, _ := callParts(n); meth != nil && existenceQuestions[t.text(meth)] {
			return true
		}
	}
	for _, k := range tsnode.Children(n) {
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
	if s.Type() != "if_modifier" && s.Type() != "unless_modifier" {
		return false
	}
	body := s.NamedChild(0)
	return body != nil && body.Type() == "return" && t.asksExistence(lastNamed(s))
}
