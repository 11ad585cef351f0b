package sqlparse

import (
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/testutil"
)

// Adversarial inputs of about 1 MB for the splitter and the parse
// wrapper (figures in docs/reliability.md).
func benchmarkParse(b *testing.B, text string) {
	f := source.NewFile("bench.sql", []byte(text))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu := testutil.CPUTime()
	for b.Loop() {
		Parse(f)
	}
	b.ReportMetric(float64(testutil.CPUTime()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
}

const mb = 1 << 20

// 25,000 chained terms overflowed the C parser; a megabyte of them is
// measured and refused.
func BenchmarkParseDeepChain(b *testing.B) {
	benchmarkParse(b, "SELECT 1"+strings.Repeat("+1", mb/2)+";")
}

func BenchmarkParseNestedParens(b *testing.B) {
	benchmarkParse(b, "SELECT "+strings.Repeat("(", mb/2)+"1"+strings.Repeat(")", mb/2)+";")
}

// One long statement: an INSERT of 100,000 rows.
func BenchmarkParseLongStatement(b *testing.B) {
	benchmarkParse(b, "INSERT INTO t (a, b) VALUES "+strings.TrimSuffix(strings.Repeat("(1, 'x'), ", mb/11), ", ")+";")
}

// Many statements with a syntax error first: the fallback splits and
// parses each piece.
func BenchmarkParseManyStatementsAfterError(b *testing.B) {
	stmt := "ALTER TABLE t ADD COLUMN c text; -- note\r"
	benchmarkParse(b, "SELEC 1;\n"+strings.Repeat(stmt, mb/len(stmt)))
}

func BenchmarkSplitCommentsAndQuotes(b *testing.B) {
	unit := "-- a; comment\nSELECT 'a;b', E'\\';', $x$;$x$, \"q;\" /* c; /* d; */ */;\n"
	text := strings.Repeat(unit, mb/len(unit))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Split(text)
	}
}
