package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/redact/redacttest"
)

// Generated connection strings, in every spelling (scheme in any case,
// pgsql://, leading spaces, key=value with any key case and quoting,
// percent-encoded passwords), go through each command's failure paths
// with an unreachable or unparsable server: whatever the command says,
// the password is not in it. The --env values of gate ecs likewise.
func TestPasswordsNeverPrinted(t *testing.T) {
	repo := scenarioRepo(t, "gorm-drop-column") // golang-migrate: --pending-from reads its table
	srv := ecsServer(t)
	commands := []struct {
		name string
		args func(conn string) []string
		env  string // set to conn instead of passing it
	}{
		{"verify --database-url", func(c string) []string {
			return []string{"verify", "--previous", "previous", "--no-cache", "--database-url", c}
		}, ""},
		{"verify $" + EnvDatabaseURL, func(string) []string {
			return []string{"verify", "--previous", "previous", "--no-cache"}
		}, EnvDatabaseURL},
		{"check --pending-from", func(c string) []string {
			return []string{"check", "--previous", "previous", "--no-cache", "--pending-from", c}
		}, ""},
		{"check --runtime-references", func(c string) []string {
			return []string{"check", "--previous", "previous", "--no-cache", "--runtime-references", c}
		}, ""},
		{"refs --from-pg-stat-statements", func(c string) []string {
			return []string{"refs", "--no-cache", "--from-pg-stat-statements", c}
		}, ""},
		{"verify --pending-from --verbose", func(c string) []string {
			return []string{"verify", "--previous", "previous", "--no-cache", "--verbose", "--pending-from", c}
		}, ""},
		{"gate exec --pending-from", func(c string) []string {
			return []string{"gate", "exec", "--previous", "previous", "--no-cache", "--pending-from", c, "--", "true"}
		}, ""},
		{"gate ecs --env (the value alone)", func(c string) []string {
			return gateArgs(srv, "--env", "DATABASE_URL="+c, "--env", c)
		}, ""},
		{"gate ecs --env (no valid name)", func(c string) []string {
			return gateArgs(srv, "--env", "DATABASE URL "+c+"=1")
		}, ""},
	}
	const perSpelling = 2
	cases := redacttest.Generate(perSpelling*len(redacttest.Spellings), 18)
	for _, cmd := range commands {
		t.Run(cmd.name, func(t *testing.T) {
			for i, c := range cases {
				t.Setenv(EnvDatabaseURL, "")
				if cmd.env != "" {
					t.Setenv(cmd.env, c.Conn)
				}
				code, out, stderr := run(t, repo, "", cmd.args(c.Conn)...)
				if code != ExitError {
					t.Errorf("case %d (%s): exit %d, want 2; stderr %s", i, c.Spelling, code, stderr)
				}
				if form, leaked := c.LeakedIn(out + stderr); leaked {
					t.Errorf("case %d (%s) %q: the output shows %q:\n%s%s", i, c.Spelling, c.Conn, form, out, stderr)
				}
			}
		})
	}
	t.Run("PGPASSWORD", func(t *testing.T) {
		for i, c := range cases[:len(redacttest.Spellings)] {
			t.Setenv("PGPASSWORD", c.Password)
			code, out, stderr := run(t, repo, "", "check", "--previous", "previous", "--no-cache", "--pending-from", fmt.Sprintf("postgres://app@127.0.0.1:1/%s", strings.Repeat("d", i+1)))
			if code != ExitError {
				t.Errorf("exit %d, want 2", code)
			}
			if form, leaked := c.LeakedIn(out + stderr); leaked {
				t.Errorf("the output shows %q of PGPASSWORD:\n%s%s", form, out, stderr)
			}
		}
	})
}
