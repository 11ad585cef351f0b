package orm

import "testing"

// Look-alikes that are not references stay quiet: DTOs and
// class-validator inputs, GraphQL object types, an @Entity decorator
// that is not an ORM's, JSON keys and options objects named like
// columns, jQuery's .select() and lodash's _.where.
func TestLookAlikesAreQuiet(t *testing.T) {
	for _, x := range Extractors() {
		if got := extractTree(t, x, "lookalikes"); len(got) != 0 {
			t.Errorf("%s: %d references, want none:\n%v", x.Name(), len(got), refLines(got))
		}
	}
}
