package cond

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// truth is a three-valued operand: "T", "F" or "?".
type truth string

func (t truth) split() (v, known bool) { return t == "T", t != "?" }

func join(v, known bool) truth {
	switch {
	case !known:
		return "?"
	case v:
		return "T"
	}
	return "F"
}

// Kleene's tables: an unknown operand decides nothing the other one
// does not settle.
func TestTables(t *testing.T) {
	operands := []truth{"T", "F", "?"}
	wantAnd := [][]truth{{"T", "F", "?"}, {"F", "F", "F"}, {"?", "F", "?"}}
	wantOr := [][]truth{{"T", "T", "T"}, {"T", "F", "?"}, {"T", "?", "?"}}
	gotAnd := make([][]truth, len(operands))
	gotOr := make([][]truth, len(operands))
	for i, x := range operands {
		for _, y := range operands {
			xv, xk := x.split()
			yv, yk := y.split()
			gotAnd[i] = append(gotAnd[i], join(And(xv, xk, yv, yk)))
			gotOr[i] = append(gotOr[i], join(Or(xv, xk, yv, yk)))
		}
	}
	if diff := cmp.Diff(wantAnd, gotAnd); diff != "" {
		t.Errorf("and (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantOr, gotOr); diff != "" {
		t.Errorf("or (-want +got):\n%s", diff)
	}
}
