package ops

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestList: whatever the sizes of the groups added, All gives every
// operation once, in order.
func TestList(t *testing.T) {
	for _, groups := range [][]int{{}, {1}, {0, 3}, {5, 1, 1, 300, 2}, {listChunk, listChunk, 1}, {1000}} {
		var l List
		var want []Op
		for _, g := range groups {
			var add []Op
			for range g {
				add = append(add, Op{Stmt: len(want) + len(add)})
			}
			want = append(want, add...)
			l.Add(add...)
		}
		if l.Len() != len(want) {
			t.Errorf("groups %v: Len = %d, want %d", groups, l.Len(), len(want))
		}
		for range 2 { // All twice gives the same
			if diff := cmp.Diff(want, l.All()); diff != "" {
				t.Errorf("groups %v: All (-want +got):\n%s", groups, diff)
			}
		}
	}
}
