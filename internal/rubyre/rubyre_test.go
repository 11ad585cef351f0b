package rubyre

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Each Ruby regexp matches in Go what it matches in Ruby.
func TestSource(t *testing.T) {
	cases := []struct {
		body, flags string
		matches     map[string]bool
	}{
		{`postgres`, "i", map[string]bool{"PostgreSQL": true, "SQLServer": false}},
		{`^a.b\Z`, "m", map[string]bool{"a\nb": true, "a\nbc": false}},
		{`^\h+$`, "", map[string]bool{"0fA9": true, "0g": false}},
		{`a\/b`, "o", map[string]bool{"a/b": true, "ab": false}},
	}
	for _, tc := range cases {
		src, err := Source(tc.body, tc.flags)
		if err != nil {
			t.Errorf("/%s/%s: %v", tc.body, tc.flags, err)
			continue
		}
		re, err := regexp.Compile(src)
		if err != nil {
			t.Errorf("/%s/%s gives %q, which does not compile: %v", tc.body, tc.flags, src, err)
			continue
		}
		got := map[string]bool{}
		for s := range tc.matches {
			got[s] = re.MatchString(s)
		}
		if diff := cmp.Diff(tc.matches, got); diff != "" {
			t.Errorf("/%s/%s as %q (-want +got):\n%s", tc.body, tc.flags, src, diff)
		}
	}
	if _, err := Source("a b", "x"); err == nil {
		t.Error("the extended flag is accepted, and its spaces would be matched literally")
	}
}
