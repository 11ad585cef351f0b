package pgdb_test

import (
	"testing"

	"github.com/schemagate/schemagate/internal/pgdb"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cret@db.example.com:5432/app?sslmode=require",
			"postgres://app:xxxxx@db.example.com:5432/app?sslmode=require"},
		{"postgresql://app:p%40ss%2Fword@db/app", "postgresql://app:xxxxx@db/app"},
		{"postgres://app@db/app", "postgres://app@db/app"},
		{"postgres://db/app", "postgres://db/app"},
		{"postgres://app:@db/app", "postgres://app:xxxxx@db/app"},
		// unescaped @ and / in the password, as people write them
		{"postgres://app:p@ss/w@rd@db:5432/app", "postgres://app:xxxxx@db:5432/app"},
		// multi-host URLs do not parse with net/url
		{"postgres://app:s3cret@db1:5432,db2:5433/app?target_session_attrs=read-write",
			"postgres://app:xxxxx@db1:5432,db2:5433/app?target_session_attrs=read-write"},
		{"postgres:///app?host=/var/run/postgresql&user=app&password=s3cret&sslmode=disable",
			"postgres:///app?host=/var/run/postgresql&user=app&password=xxxxx&sslmode=disable"},
		{"postgres://app:a@db/app?pass%77ord=s3cret#frag", "postgres://app:xxxxx@db/app?pass%77ord=xxxxx#frag"},
		{"host=db user=app password=s3cret dbname=app", "host=db user=app password=xxxxx dbname=app"},
		{"host=db password = 's3 cr\\'et' dbname=app", "host=db password = xxxxx dbname=app"},
		{"password=s\\ 3cret host=db", "password=xxxxx host=db"},
		{"host=db  sslmode=verify-full", "host=db  sslmode=verify-full"},
		{"password", "password"},
		{"password s3cret host=db", "password xxxxx host=db"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := pgdb.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

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
