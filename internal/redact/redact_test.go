package redact_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/redact"
	"github.com/schemagate/schemagate/internal/redact/redacttest"
)

func TestConnString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cret@db.example.com:5432/app?sslmode=require",
			"postgres://app:xxxxx@db.example.com:5432/app?sslmode=require"},
		{"postgresql://app:p%40ss%2Fword@db/app", "postgresql://app:xxxxx@db/app"},
		{"postgres://app@db/app", "postgres://app@db/app"},
		{"postgres://db/app", "postgres://db/app"},
		{"postgres://app:@db/app", "postgres://app:xxxxx@db/app"},
		// unescaped @ and / in the password, as people write them
		{"postgres://app:p@ss/w@rd@db:5432/app", "postgres://app:xxxxx@db:5432/app"},
		// and ? and #
		{"postgres://app:p?ss#w@db:5432/app?sslmode=disable", "postgres://app:xxxxx@db:5432/app?sslmode=disable"},
		// multi-host URLs do not parse with net/url
		{"postgres://app:s3cret@db1:5432,db2:5433/app?target_session_attrs=read-write",
			"postgres://app:xxxxx@db1:5432,db2:5433/app?target_session_attrs=read-write"},
		{"postgres:///app?host=/var/run/postgresql&user=app&password=s3cret&sslmode=disable",
			"postgres:///app?host=/var/run/postgresql&user=app&password=xxxxx&sslmode=disable"},
		{"postgres://app:a@db/app?pass%77ord=s3cret#frag", "postgres://app:xxxxx@db/app?pass%77ord=xxxxx#frag"},
		// an unescaped & in a query password
		{"postgres://db/app?password=a&b&sslmode=require", "postgres://db/app?password=xxxxx&sslmode=require"},
		// the scheme in any case, any scheme, leading space
		{"POSTGRES://app:s3cret@db/app", "POSTGRES://app:xxxxx@db/app"},
		{"Postgres://app:s3cret@db/app", "Postgres://app:xxxxx@db/app"},
		{"pgsql://app:s3cret@db/app", "pgsql://app:xxxxx@db/app"},
		{"  postgres://app:s3cret@db/app", "  postgres://app:xxxxx@db/app"},
		{"jdbc:postgresql://db/app?user=app&PASSWORD=s3cret", "jdbc:postgresql://db/app?user=app&PASSWORD=xxxxx"},
		{"postgres://db/app?sslpassword=s3cret", "postgres://db/app?sslpassword=xxxxx"},
		// an @ in the query (Azure's user@server) hides more, never less
		{"postgres://db:5432/app?user=a@srv&password=s3cret", "postgres://db:xxxxx@srv&password=xxxxx"},
		{"host=db user=app password=s3cret dbname=app", "host=db user=app password=xxxxx dbname=app"},
		{"host=db password = 's3 cr\\'et' dbname=app", "host=db password = xxxxx dbname=app"},
		{"password=s\\ 3cret host=db", "password=xxxxx host=db"},
		{"host=db PASSWORD=s3cret", "host=db PASSWORD=xxxxx"},
		{"host=db Password='s3 cret'", "host=db Password=xxxxx"},
		{`host=db password="s3 \"cr et" user=app`, `host=db password=xxxxx user=app`},
		{"host=db password='unterminated user=app", "host=db password=xxxxx"},
		{" \thost=db password=s3cret", " \thost=db password=xxxxx"},
		{"host=db  sslmode=verify-full", "host=db  sslmode=verify-full"},
		{"password", "password"},
		{"password s3cret host=db", "password xxxxx host=db"},
		// a connection string as dbname, as libpq expands it
		{"dbname=postgres://app:s3cret@db/app connect_timeout=3", "dbname=postgres://app:xxxxx@db/app connect_timeout=3"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := redact.ConnString(tt.in); got != tt.want {
			t.Errorf("ConnString(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestRemovePassword(t *testing.T) {
	tests := []struct {
		in, rest, password string
		ok                 bool
	}{
		{"postgres://app:p%40ss@db/app", "postgres://app@db/app", "p@ss", true},
		{"postgres://db/app?password=s%20x&sslmode=require", "postgres://db/app?sslmode=require", "s x", true},
		{"postgres://db/app?sslmode=require&password=s", "postgres://db/app?sslmode=require", "s", true},
		{"postgres://db/app?password=s", "postgres://db/app", "s", true},
		{"host=db password='a b\\'c' user=app", "host=db  user=app", "a b'c", true},
		{"host=db user=app", "host=db user=app", "", false},
		{"postgres://app:a@db/app?password=b", "postgres://app:a@db/app?password=b", "", false},
	}
	for _, tt := range tests {
		rest, pw, ok := redact.RemovePassword(tt.in)
		if rest != tt.rest || pw != tt.password || ok != tt.ok {
			t.Errorf("RemovePassword(%q) = %q, %q, %v; want %q, %q, %v", tt.in, rest, pw, ok, tt.rest, tt.password, tt.ok)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		msg     string
		secrets []string
		want    string
	}{
		{"connecting to POSTGRES://app:s3cret@db/app: refused", nil, "connecting to POSTGRES://app:xxxxx@db/app: refused"},
		{"cannot parse `host=db PASSWORD=\"a b\" user=x`: bad", nil, "cannot parse `host=db PASSWORD=xxxxx user=x`: bad"},
		{"failed: s3cret and s3cret", []string{"s3cret"}, "failed: xxxxx and xxxxx"},
		{"decoded p@ss", []string{"p%40ss"}, "decoded xxxxx"},
		{"password authentication failed for user \"app\"", nil, "password authentication failed for user \"app\""},
		{"nothing secret here", []string{""}, "nothing secret here"},
	}
	for _, tt := range tests {
		if got := redact.Text(tt.msg, tt.secrets...); got != tt.want {
			t.Errorf("Text(%q, %q)\n got %q\nwant %q", tt.msg, tt.secrets, got, tt.want)
		}
	}
}

func TestEnv(t *testing.T) {
	tests := []struct{ in, want string }{
		{"DATABASE_URL=postgres://app:s3cret@db/app", "DATABASE_URL=xxxxx"},
		{"s3cret", "xxxxx"},
		{"=s3cret", "xxxxx"},
		{"NOT A NAME=s3cret", "xxxxx"},
		{"9X=1", "xxxxx"},
		{"_x9=", "_x9=xxxxx"},
	}
	for _, tt := range tests {
		if got := redact.Env(tt.in); got != tt.want {
			t.Errorf("Env(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Generated connection strings in every spelling, with passwords made
// of the characters that break naive parsers: the password never
// survives ConnString or Text, and RemovePassword gives it back.
func TestGeneratedSpellings(t *testing.T) {
	for i, c := range redacttest.Generate(2000, 1) {
		got := redact.ConnString(c.Conn)
		for _, form := range c.Forms() {
			if strings.Contains(got, form) {
				t.Fatalf("case %d (%s): ConnString(%q) = %q shows %q", i, c.Spelling, c.Conn, got, form)
			}
		}
		msg := redact.Text("error: cannot connect to `"+c.Conn+"`: refused", redact.Passwords(c.Conn)...)
		if form, leaked := c.LeakedIn(msg); leaked {
			t.Fatalf("case %d (%s): Text shows %q in %q", i, c.Spelling, form, msg)
		}
		if msg := redact.Text("dial: " + c.Conn); c.Findable() {
			// Without being told the string, Text still finds it (raw
			// URL passwords with spaces and bare DSN keys aside).
			if form, leaked := c.LeakedIn(msg); leaked {
				t.Fatalf("case %d (%s): Text without secrets shows %q in %q", i, c.Spelling, form, msg)
			}
		}
		if c.Removable {
			rest, pw, ok := redact.RemovePassword(c.Conn)
			if !ok || pw != c.Password {
				t.Fatalf("case %d (%s): RemovePassword(%q) = %q, %q, %v; want the password %q", i, c.Spelling, c.Conn, rest, pw, ok, c.Password)
			}
			if diff := cmp.Diff([]string(nil), redact.Passwords(rest)); diff != "" {
				t.Fatalf("case %d: %q still holds a password: %s", i, rest, diff)
			}
		}
	}
}
