package cli

import (
	"os"
	"path/filepath"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/rails"
)

// strongMigrationsDefaults takes what a Rails application's
// strong_migrations initializer sets as defaults where neither
// schemagate.yaml nor a flag says otherwise: a lock_timeout there means
// migrations run with one (no require-lock-timeout warnings),
// target_version is the PostgreSQL version, and migrations at or before
// start_after are not linted. The initializer is looked for upward from
// each of from (the config's directory, the working directory, the
// migration paths); the first found is read.
func strongMigrationsDefaults(cfg *config.Config, from ...string) {
	for _, start := range from {
		p := findUpward(start, rails.StrongMigrationsInitializer)
		if p == "" {
			continue
		}
		text, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := rails.ReadStrongMigrations(text)
		if s.LockTimeout {
			cfg.LockTimeoutSet = true
		}
		if s.TargetVersion >= 9 && s.TargetVersion <= 99 && !cfg.PGVersionSet() {
			cfg.PGVersion = s.TargetVersion
		}
		if cfg.StartAfter == "" {
			cfg.StartAfter = s.StartAfter
		}
		return
	}
}

// findUpward returns rel under dir or the nearest of its parents that has
// it, "" when none does.
func findUpward(dir, rel string) string {
	if dir == "" {
		return ""
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, rel)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
