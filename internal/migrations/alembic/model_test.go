package alembic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSlabTake checks that values cut from a slab are zero, have the
// capacity asked for, and that an append to one does not reach the next.
func TestSlabTake(t *testing.T) {
	var s slab[int]
	var got [][]int
	for _, n := range []int{1, 3, 16, 40, 2, 1000, 5000, 7} {
		v := s.take(n)
		if len(v) != n || cap(v) != n {
			t.Fatalf("take(%d): len %d cap %d", n, len(v), cap(v))
		}
		for i := range v {
			if v[i] != 0 {
				t.Fatalf("take(%d)[%d] = %d, want 0", n, i, v[i])
			}
			v[i] = n
		}
		got = append(got, v)
	}
	_ = append(got[0], -1) // must copy, not write into got[1]
	for _, v := range got {
		for i, x := range v {
			if x != len(v) {
				t.Fatalf("a value of take(%d) at %d changed to %d", len(v), i, x)
			}
		}
	}
}

// TestDecodeFastPath checks that literal text the builder shares with
// the source decodes as the escape-by-escape path decodes it.
func TestDecodeFastPath(t *testing.T) {
	for _, src := range []string{
		``, `users`, `a\'b`, `C:\path`, `tab\there`, `{x}`, `{{x}}`, `a}}b`, `\N{DASH}`, `\x41\u00e9`, `日本`,
	} {
		for _, raw := range []bool{false, true} {
			for _, f := range []bool{false, true} {
				b := builder{src: []byte(src), str: src}
				got := b.decode(0, len(src), raw, f)
				want := decodeString([]byte(src), 0, len(src), raw, f)
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(strPart{})); diff != "" {
					t.Errorf("decode(%q, raw=%v, f=%v) (-want +got):\n%s", src, raw, f, diff)
				}
			}
		}
	}
}
