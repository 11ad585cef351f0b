package sqlparse

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
		ok         bool
	}{
		{"plain", "SELECT 1; SELECT 2;", []string{"SELECT 1", " SELECT 2"}, true},
		{"no final semicolon", "SELECT 1;\nSELECT 2", []string{"SELECT 1", "\nSELECT 2"}, true},
		{"strings", "SELECT 'a;b''c;'; SELECT E'x\\';y';", []string{"SELECT 'a;b''c;'", " SELECT E'x\\';y'"}, true},
		{"identifiers", `SELECT "a;b"""; SELECT 1`, []string{`SELECT "a;b"""`, " SELECT 1"}, true},
		{"dollar quotes", "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ $body$ LANGUAGE sql; SELECT $1;", []string{"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ $body$ LANGUAGE sql", " SELECT $1"}, true},
		{"comments", "-- a; b\nSELECT 1 /* c; /* nested; */ d; */; -- e;", []string{"-- a; b\nSELECT 1 /* c; /* nested; */ d; */"}, true},
		{"begin atomic", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3;", []string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END", " SELECT 3"}, true},
		{"empty statements", ";; ;\n-- only a comment\n", nil, true},
		{"unterminated", "SELECT 1; SELECT 'oops;", []string{"SELECT 1", " SELECT 'oops;"}, false},
		{"identifier with dollar", "SELECT a$b; SELECT 2", []string{"SELECT a$b", " SELECT 2"}, true},
		// PostgreSQL ends a -- comment at a carriage return too.
		{"CR line endings", "-- one\rSELECT 1;\r-- two\rSELECT 2;", []string{"-- one\rSELECT 1", "\r-- two\rSELECT 2"}, true},
		// $$ right after a dollar quote or a number opens a dollar quote.
		{"dollar quote after dollar quote", "SELECT $a$x$a$$$;$$; SELECT 2", []string{"SELECT $a$x$a$$$;$$", " SELECT 2"}, true},
		{"dollar quote after digit", "SELECT 1$$;$$; SELECT 2", []string{"SELECT 1$$;$$", " SELECT 2"}, true},
		{"case in begin atomic", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3;",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END", " SELECT 3"}, true},
		// An escape that makes invalid UTF-8 is an error the scanner
		// reports, not the end of the literal.
		{"bad escape", "SELECT E'\\\xce\xce;'; SELECT 2;", []string{"SELECT E'\\\xce\xce;'", " SELECT 2"}, true},
		{"junk after number", "SELECT 1abc; SELECT 2;", []string{"SELECT 1abc", " SELECT 2"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pieces, ok := Split(c.text)
			var got []string
			for _, p := range pieces {
				got = append(got, c.text[p.Start:p.End])
			}
			if diff := cmp.Diff(c.want, got); diff != "" || ok != c.ok {
				t.Errorf("ok=%v (want %v) pieces (-want +got):\n%s", ok, c.ok, diff)
			}
		})
	}
}
