package rails

import (
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/tsnode"
)

// StrongMigrationsInitializer is where a Rails application configures
// strong_migrations, relative to its root.
const StrongMigrationsInitializer = "config/initializers/strong_migrations.rb"

// StrongMigrations is what an application's strong_migrations
// initializer sets that schemagate takes as its defaults.
type StrongMigrations struct {
	// LockTimeout is true when StrongMigrations.lock_timeout is set to
	// something other than zero: every migration runs with a lock_timeout.
	LockTimeout bool
	// TargetVersion is StrongMigrations.target_version, the PostgreSQL
	// major version the migrations run on; 0 when unset.
	TargetVersion int
	// StartAfter is StrongMigrations.start_after: migrations with a
	// version at or before it are not checked. "" when unset.
	StartAfter string
}

// ReadStrongMigrations reads the settings of a strong_migrations
// initializer: assignments to StrongMigrations.lock_timeout,
// target_version and start_after whose values are literals (10.seconds,
// "10s", 10, 20230101000000). Settings it cannot read are left unset.
func ReadStrongMigrations(src []byte) StrongMigrations {
	var out StrongMigrations
	root := parseAll([][]byte{src})(0).root
	var walk func(n *node)
	walk = func(n *node) {
		if n.Type() == "assignment" && n.ChildCount() > 0 {
			left, right := n.NamedChild(0), lastNamed(n)
			if recv, meth, _, _ := callParts(left); recv != nil && meth != nil && text(recv, src) == "StrongMigrations" {
				setting(&out, text(meth, src), right, src)
			}
		}
		for _, k := range tsnode.Children(n) {
			walk(k)
		}
	}
	walk(root)
	return out
}

func setting(s *StrongMigrations, name string, v *node, src []byte) {
	switch name {
	case "lock_timeout":
		s.LockTimeout = durationSet(v, src)
	case "target_version":
		text := strings.Trim(text(v, src), `"'`)
		major, _, _ := strings.Cut(text, ".")
		if n, err := strconv.Atoi(major); err == nil && n > 0 {
			s.TargetVersion = n
		}
	case "start_after":
		txt := strings.ReplaceAll(text(v, src), "_", "")
		if _, err := strconv.ParseUint(txt, 10, 64); err == nil && v.Type() == "integer" {
			s.StartAfter = txt
		}
	}
}

// durationSet reports whether a timeout value is a non-zero literal:
// 10.seconds, 1.minute, "10s", 5000.
func durationSet(v *node, src []byte) bool {
	txt := text(v, src)
	if v.Type() == "call" {
		if recv, meth, _, _ := callParts(v); recv != nil && meth != nil {
			txt = text(recv, src)
		}
	}
	txt = strings.Trim(strings.TrimSpace(txt), `"'`)
	switch txt {
	case "", "0", "nil", "false":
		return false
	}
	if n, err := strconv.ParseFloat(strings.TrimRight(txt, "smhinu"), 64); err == nil {
		return n > 0
	}
	return true
}
