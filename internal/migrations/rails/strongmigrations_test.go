package rails

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadStrongMigrations(t *testing.T) {
	cases := []struct {
		name, src string
		want      StrongMigrations
	}{
		{"the README's settings", `# Mark existing migrations as safe
StrongMigrations.start_after = 20230101000000

# Set timeouts for migrations
StrongMigrations.lock_timeout = 10.seconds
StrongMigrations.statement_timeout = 1.hour

# Analyze tables after indexes are added
StrongMigrations.auto_analyze = true

# Set the version of the production database
StrongMigrations.target_version = 15
`, StrongMigrations{LockTimeout: true, TargetVersion: 15, StartAfter: "20230101000000"}},
		{"strings and underscores", `StrongMigrations.lock_timeout = "5s"
StrongMigrations.target_version = "12.4"
StrongMigrations.start_after = 2023_01_01_000000
`, StrongMigrations{LockTimeout: true, TargetVersion: 12, StartAfter: "20230101000000"}},
		{"inside a condition, zero and values computed at run time", `if Rails.env.production?
  StrongMigrations.target_version = 14
end
StrongMigrations.lock_timeout = 0
StrongMigrations.start_after = ENV.fetch("START_AFTER")
`, StrongMigrations{TargetVersion: 14}},
		{"not strong_migrations", `Rails.application.config.lock_timeout = 10
`, StrongMigrations{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, ReadStrongMigrations([]byte(c.src))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
