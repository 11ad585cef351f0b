package sqlparse

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	pg "github.com/pganalyze/pg_query_go/v5"
)

// landmark is a token whose extent decides statement boundaries: a
// semicolon, a comment or a literal.
type landmark struct {
	Kind       string
	Start, End int
}

func ourLandmarks(text string) ([]landmark, error) {
	toks, err := Tokens(text)
	var out []landmark
	for _, t := range toks {
		k := ""
		switch t.Kind {
		case TokLineComment, TokBlockComment:
			k = "comment"
		case TokString, TokDollarString:
			k = "string"
		case TokQuotedIdent:
			k = "quoted identifier"
		case TokPunct:
			if text[t.Start] == ';' {
				k = ";"
			}
		}
		if k != "" {
			end := t.End
			if (t.Kind == TokString || t.Kind == TokQuotedIdent) && text[t.Start]|0x20 == 'u' {
				end = -1
			}
			out = append(out, landmark{k, t.Start, end})
		}
	}
	if err != nil {
		return out, err
	}
	return out, nil
}

// pgLandmarks are the same tokens as PostgreSQL's scanner (pg_query's
// Scan) sees them.
func pgLandmarks(text string) ([]landmark, error) {
	res, err := pg.Scan(text)
	if err != nil {
		return nil, err
	}
	var out []landmark
	for _, t := range res.Tokens {
		k := ""
		switch t.Token {
		case pg.Token_SQL_COMMENT, pg.Token_C_COMMENT:
			k = "comment"
		case pg.Token_SCONST, pg.Token_USCONST, pg.Token_BCONST, pg.Token_XCONST:
			k = "string"
		case pg.Token_UIDENT:
			k = "quoted identifier"
		case pg.Token_IDENT:
			if text[t.Start] == '"' {
				k = "quoted identifier"
			}
		case pg.Token_ASCII_59:
			k = ";"
		}
		if k != "" {
			end := int(t.End)
			if t.Token == pg.Token_USCONST || t.Token == pg.Token_UIDENT {
				end = -1 // pg_query reports a wrong end for U& literals
			}
			out = append(out, landmark{k, int(t.Start), end})
		}
	}
	return out, nil
}

// checkAgainstScanner compares the lexer with PostgreSQL's scanner: both
// reject the text, or both accept it with the same semicolons, comments
// and literals.
func checkAgainstScanner(text string) error {
	if strings.IndexByte(text, 0) >= 0 {
		return nil // pg_query reads a C string: it would stop at the NUL
	}
	want, pgErr := pgLandmarks(text)
	got, err := ourLandmarks(text)
	switch {
	case pgErr != nil && err == nil:
		return fmt.Errorf("PostgreSQL's scanner rejects %q (%w), the lexer accepts it", text, pgErr)
	case pgErr == nil && err != nil:
		return fmt.Errorf("the lexer rejects %q (%w), PostgreSQL's scanner accepts it", text, err)
	case pgErr == nil:
		if diff := cmp.Diff(want, got); diff != "" {
			return fmt.Errorf("%q: tokens differ from PostgreSQL's scanner (-scanner +lexer):\n%s", text, diff)
		}
	}
	return nil
}

// FuzzLexAgainstScanner is the differential test of the splitter's lexer
// against PostgreSQL's own scanner.
func FuzzLexAgainstScanner(f *testing.F) {
	for _, s := range lexSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if err := checkAgainstScanner(text); err != nil {
			t.Fatal(err)
		}
		// Split never loses text: its pieces are in order and inside it.
		pieces, _ := Split(text)
		last := 0
		for _, p := range pieces {
			if p.Start < last || p.End < p.Start || p.End > len(text) {
				t.Fatalf("%q: bad piece %+v after %d", text, p, last)
			}
			last = p.End
		}
	})
}

var lexSeeds = []string{
	"SELECT 1; SELECT 2;",
	"SELECT 'a;b''c;'; SELECT E'x\\';y';",
	`SELECT "a;b"""; SELECT 1`,
	"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ $body$ LANGUAGE sql; SELECT $1;",
	"-- a; b\nSELECT 1 /* c; /* nested; */ d; */; -- e;",
	"-- a\rSELECT 1;\r-- b\rSELECT 2;",
	"SELECT $a$x$a$$$;$$;",
	"SELECT 1$$;$$;",
	"SELECT a$$;$$;",
	"SELECT E'\\\\\xce\xce;';",
	"SELECT E'\\xce\\xce;';",
	"SELECT E'\\u00e9', E'\\U0001F600', E'\\ud83d\\ude00';",
	"SELECT 'a'\n'b' -- c\n  'd';",
	"SELECT E'a'\n'\\';';",
	"SELECT B'10', X'1f', N'x', U&'d\\0061t\\+000061', U&\"x\";",
	"SELECT 1abc; SELECT 0x; SELECT 1_000, 0x1F, 0o17, 0b101, 1.5e-3, .5, 1..2;",
	"SELECT +-1, 1+/*x*/2, 1*--y\n2;",
	"SELECT '';",
	"SELECT \"\";",
	"SELECT 'unterminated",
	"SELECT /* unterminated",
	"SELECT $x$ unterminated",
	"SELECT \"unterminated",
	"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3;",
	"SELECT 1\v;\f\tSELECT 2;",
	"SELECT E'\\",
	"SELECT $1a, $1_0;",
	"SELECT 1e+;",
}
