// Package cond is the three-valued logic translators decide a
// migration's conditions with: a condition is true, false or not known
// (a setting, an environment variable), and `and` and `or` are known
// when one side settles them, as they are when the migration runs.
package cond

// And is x and y; known is false unless the operands settle it.
func And(x, xKnown, y, yKnown bool) (v, known bool) {
	switch {
	case xKnown && !x, yKnown && !y:
		return false, true
	case xKnown && yKnown:
		return true, true
	}
	return false, false
}

// Or is x or y; known is false unless the operands settle it.
func Or(x, xKnown, y, yKnown bool) (v, known bool) {
	switch {
	case xKnown && x, yKnown && y:
		return true, true
	case xKnown && yKnown:
		return false, true
	}
	return false, false
}
