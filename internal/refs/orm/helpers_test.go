package orm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/refs"
)

// readTestdata returns the content of testdata/<rel>.
func readTestdata(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// model builds an expected resolved Model reference.
func model(src refs.Source, file string, line, col int, snippet, table string) refs.Reference {
	return refs.Reference{
		Table:     table,
		Usage:     refs.Model,
		Certainty: refs.Resolved,
		Source:    src,
		File:      file,
		Line:      line,
		Col:       col,
		Snippet:   snippet,
	}
}

func withColumns(r refs.Reference, cols ...string) refs.Reference {
	r.Columns = cols
	return r
}

func withIgnored(r refs.Reference, cols ...string) refs.Reference {
	r.Ignored = cols
	return r
}

func withSchema(r refs.Reference, schema string) refs.Reference {
	r.Schema = schema
	return r
}

var cmpRefs = cmpopts.EquateEmpty()

// noWrites leaves how a model writes each column to the tests whose
// subject it is (TestDjangoWrites, TestSQLAlchemyWrites, TestPrismaWrites).
var noWrites = cmpopts.IgnoreFields(refs.Reference{}, "Writes")

// checkExtract runs one extractor on one testdata file and compares the
// references.
func checkExtract(t *testing.T, x refs.Extractor, file, rel string, want []refs.Reference, opts ...cmp.Option) {
	t.Helper()
	got, err := x.Extract(file, readTestdata(t, rel))
	if err != nil {
		t.Fatalf("Extract(%s): %v", file, err)
	}
	if diff := cmp.Diff(want, got, append(opts, cmpRefs)...); diff != "" {
		t.Errorf("Extract(%s) mismatch (-want +got):\n%s", file, diff)
	}
}

func checkRefs(t *testing.T, want, got []refs.Reference, opts ...cmp.Option) {
	t.Helper()
	if diff := cmp.Diff(want, got, append(opts, cmpRefs)...); diff != "" {
		t.Errorf("references mismatch (-want +got):\n%s", diff)
	}
}
