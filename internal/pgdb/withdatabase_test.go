package pgdb_test

import (
	"testing"

	"github.com/schemagate/schemagate/internal/pgdb"
)

func TestWithDatabase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cret@db:5432/app?sslmode=require", "postgres://app:s3cret@db:5432/scratch?sslmode=require"},
		{"postgres://app@db", "postgres://app@db/scratch"},
		{"postgres://db/", "postgres://db/scratch"},
		{"postgres:///app?host=/tmp/x&port=5432", "postgres:///scratch?host=/tmp/x&port=5432"},
		{"postgres://db?dbname=app&sslmode=disable", "postgres://db/scratch?sslmode=disable"},
		{"postgres://app:pa/ss@db1,db2/app", "postgres://app:pa/ss@db1,db2/scratch"},
		{"host=db dbname=app", "host=db dbname=app dbname=scratch"},
		{"", "dbname=scratch"},
	}
	for _, tt := range tests {
		if got := pgdb.WithDatabase(tt.in, "scratch"); got != tt.want {
			t.Errorf("WithDatabase(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
