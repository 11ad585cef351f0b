package pgtest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestDatabasesAreFreshOnOneServer(t *testing.T) {
	if os.Getenv(pgtest.EnvURL) == "" {
		first := pgtest.Server(t)
		if second := pgtest.Server(t); second != first {
			t.Error("Server started a second cluster")
		}
	}
	ctx := context.Background()
	var names []string
	for i := range 2 {
		conn, err := pgdb.Connect(ctx, pgtest.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var name string
		var tables int
		if err := conn.QueryRow(ctx, "SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')").Scan(&name, &tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("database %d (%s) is not empty: %d tables", i, name, tables)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE leftover (id int)"); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if names[0] == names[1] {
		t.Errorf("two Database calls gave the same database %s", names[0])
	}
}

// TestHelperNoBinaries is run by TestUnavailable in a child process.
func TestHelperNoBinaries(t *testing.T) {
	if os.Getenv("PGTEST_HELPER") == "" {
		t.Skip("run by TestUnavailable")
	}
	_, err := pgdb.StartCluster(context.Background(), pgdb.ClusterOptions{BinDir: t.TempDir()})
	pgtest.Unavailable(t, err)
	t.Error("Unavailable returned")
}

func TestUnavailable(t *testing.T) {
	tests := []struct {
		ci   string
		want string
	}{
		{ci: "true", want: "--- FAIL: TestHelperNoBinaries"},
		{ci: "", want: "--- SKIP: TestHelperNoBinaries"},
	}
	for _, tt := range tests {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperNoBinaries$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_HELPER=1", "CI="+tt.ci)
		out, _ := cmd.CombinedOutput()
		for _, want := range []string{tt.want, "apt-get install postgresql"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("CI=%q: output does not contain %q:\n%s", tt.ci, want, out)
			}
		}
	}
}
