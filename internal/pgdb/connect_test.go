package pgdb_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/schemagate/schemagate/internal/pgdb"
)

// socketURL is a URL for the cluster's socket with any user and password.
func socketURL(c *pgdb.Cluster, user, password string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Path: "/postgres",
		RawQuery: "host=" + c.SocketDir + "&port=" + strconv.Itoa(c.Port)}
	return u.String()
}

// closedPort returns a TCP port on 127.0.0.1 that nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestConnectErrorsNeverShowThePassword(t *testing.T) {
	const right = "R1ght-Pa55word"
	const wrong = "Wr0ng-Pa55word"
	c := startCluster(t, pgdb.ClusterOptions{Password: right})
	port := closedPort(t)

	tests := []struct {
		name       string
		conn       string
		env        map[string]string
		wantParts  []string
		wantSQLErr string // SQLSTATE reachable with errors.As
	}{
		{
			name:       "wrong password in the URL",
			conn:       socketURL(c, "postgres", wrong),
			wantParts:  []string{"connecting to postgres://postgres:xxxxx@/postgres?host=" + c.SocketDir, "password authentication failed"},
			wantSQLErr: "28P01",
		},
		{
			name:       "wrong password in PGPASSWORD",
			conn:       fmt.Sprintf("postgres://postgres@/postgres?host=%s&port=%d", c.SocketDir, c.Port),
			env:        map[string]string{"PGPASSWORD": wrong},
			wantParts:  []string{"password authentication failed"},
			wantSQLErr: "28P01",
		},
		{
			name:       "wrong password in a DSN",
			conn:       fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres password='%s'", c.SocketDir, c.Port, wrong),
			wantParts:  []string{"password=xxxxx", "password authentication failed"},
			wantSQLErr: "28P01",
		},
		{
			name:      "closed TCP port, password in the URL",
			conn:      fmt.Sprintf("postgres://app:%s@127.0.0.1:%d/app?sslmode=disable&connect_timeout=5", wrong, port),
			wantParts: []string{fmt.Sprintf("connecting to postgres://app:xxxxx@127.0.0.1:%d/app", port), "connection refused"},
		},
		{
			name:      "closed TCP port, password and host from the environment",
			conn:      "",
			env:       map[string]string{"PGHOST": "127.0.0.1", "PGPORT": strconv.Itoa(port), "PGUSER": "app", "PGPASSWORD": wrong, "PGSSLMODE": "disable"},
			wantParts: []string{fmt.Sprintf("host=127.0.0.1 port=%d user=app", port), "connection refused"},
		},
		{
			name:      "unparsable URL with a password",
			conn:      "postgres://app:" + wrong + "@db.example.com:notaport/app",
			wantParts: []string{"connecting to postgres://app:xxxxx@db.example.com:notaport/app: invalid connection string"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			conn, err := pgdb.Connect(ctx, tt.conn)
			if err == nil {
				conn.Close(ctx)
				t.Fatal("connected")
			}
			msg := err.Error()
			if strings.Contains(msg, wrong) {
				t.Errorf("error shows the password: %q", msg)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, p := range tt.wantParts {
				if !strings.Contains(msg, p) {
					t.Errorf("error %q does not contain %q", msg, p)
				}
			}
			if tt.wantSQLErr != "" {
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) || pgErr.Code != tt.wantSQLErr {
					t.Errorf("errors.As(*pgconn.PgError) = %v, want SQLSTATE %s", pgErr, tt.wantSQLErr)
				}
			}
		})
	}

	t.Run("right password", func(t *testing.T) {
		ctx := context.Background()
		conn, err := pgdb.Connect(ctx, c.URL("postgres"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var user string
		if err := conn.QueryRow(ctx, "SELECT current_user").Scan(&user); err != nil || user != "postgres" {
			t.Errorf("current_user = %q, %v", user, err)
		}
	})
}
