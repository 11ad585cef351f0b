package lintcache

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/schemagate/schemagate/rules"
)

// BenchmarkDecode: a warm lint of the squawk corpus reads ~20,000
// findings, nearly every message different.
func BenchmarkDecode(b *testing.B) {
	fs := make([]rules.Finding, 20000)
	for i := range fs {
		fs[i] = rules.Finding{Rule: "require-concurrent-index-creation", Severity: rules.Warning, Category: "locking",
			File: fmt.Sprintf("migrations/%04d_x.sql", i/10), Message: fmt.Sprintf("CREATE INDEX idx_%d blocks writes to table t%d while it builds", i, i%7),
			Hint: "use CREATE INDEX CONCURRENTLY outside a transaction"}
		fs[i].Span.Start.Offset, fs[i].Span.End.Offset = i*10, i*10+40
	}
	var buf bytes.Buffer
	if err := encode(&buf, fs); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		got, err := decode(bytes.NewReader(buf.Bytes()))
		if err != nil || len(got) != len(fs) {
			b.Fatal(err, len(got))
		}
	}
}
