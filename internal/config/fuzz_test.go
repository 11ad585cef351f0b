package config

import (
	"strings"
	"testing"
)

// FuzzParse: whatever the bytes, Parse gives a valid config or a one-line
// error; never a panic, and never the decoder failure Parse recovers from
// (a new way to crash yaml.v3 that keys() should turn away first).
// Crashers found are kept in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"pg-version: 13\nmigrations:\n  - dir: db/migrate\n    format: rails\n  - dir: db/post_migrate\n    post-deploy: true\nexclude: [\"legacy/**\"]\nrules:\n  prefer-text-field: warning\n  require-lock-timeout: off\nfail-on: hint\nprevious: origin/main\nsafety-assured: false\n",
		"rules: {<<, {00}}",
		"base: &b {drop-column: off}\nrules:\n  <<: *b\n",
		"rules:\n  ? [a, b]\n  : off\n",
		"migrations: [\n",
		"a: &a [*a]\n",
		"references:\n  exclude: [\"vendor/**\"]\n  include-tests: true\nmax-file-size: 1024\nlock-timeout-set: true\nschema-dump: db/structure.sql\n",
		"x: &x [1,2]\ny: &y [*x,*x,*x,*x]\nz: [*y,*y,*y,*y]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("schemagate.yaml", data)
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, decoderFailed) {
				t.Fatalf("the YAML decoder panicked: %s", msg)
			}
			if strings.ContainsAny(msg, "\n\r") || !strings.HasPrefix(msg, "schemagate.yaml: ") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		if c.PGVersion < 9 || c.PGVersion > 99 {
			t.Fatalf("accepted pg-version %d", c.PGVersion)
		}
		for _, m := range c.Migrations {
			if m.Dir == "" {
				t.Fatalf("accepted a migration directory without dir: %+v", m)
			}
			if _, err := ParseFailOn(c.FailOn); c.FailOn != "" && err != nil {
				t.Fatalf("accepted fail-on %q", c.FailOn)
			}
		}
		for name := range c.Rules {
			if _, ok := c.Severity(name); !ok {
				t.Fatalf("rule %q configured but has no severity", name)
			}
		}
	})
}
