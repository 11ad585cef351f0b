package orm

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// treeFiles returns the files of testdata/<dir> that x reads, with
// paths relative to that directory, in path order.
func treeFiles(t *testing.T, x refs.Extractor, dir string) []*source.File {
	t.Helper()
	root := filepath.Join("testdata", dir)
	var files []*source.File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if x.Match(rel) {
			files = append(files, source.NewFile(rel, readTestdata(t, dir+"/"+rel)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// extractTree runs an extractor over a testdata tree the way the
// scanner does: every file at once for a FilesExtractor, else file by
// file.
func extractTree(t *testing.T, x refs.Extractor, dir string) []refs.Reference {
	t.Helper()
	files := treeFiles(t, x, dir)
	if fx, ok := x.(refs.FilesExtractor); ok {
		rs, err := fx.ExtractFiles(files)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		checkSnippets(t, files, rs)
		return rs
	}
	var out []refs.Reference
	for _, f := range files {
		rs, err := x.Extract(f.Path, f.Text)
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		out = append(out, rs...)
	}
	checkSnippets(t, files, out)
	return out
}

// checkSnippets asserts that every reference's snippet is the trimmed
// source line it points at.
func checkSnippets(t *testing.T, files []*source.File, rs []refs.Reference) {
	t.Helper()
	byPath := map[string]*source.File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	for _, r := range rs {
		f := byPath[r.File]
		if f == nil {
			t.Errorf("reference in unknown file %q", r.File)
			continue
		}
		if want := snippet(f, r.Line); r.Snippet != want {
			t.Errorf("%s:%d: snippet %q, want %q", r.File, r.Line, r.Snippet, want)
		}
	}
}

// refLine is a reference on one line, for compact expectations:
// file:line:col schema.table.column usage certainty [cols=a,b] [ignored=c].
func refLine(r refs.Reference) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d ", r.File, r.Line, r.Col)
	if r.Schema != "" {
		b.WriteString(r.Schema + ".")
	}
	b.WriteString(r.Table)
	if r.Column != "" {
		b.WriteString("." + r.Column)
	}
	fmt.Fprintf(&b, " %s %s %s", r.Usage, r.Certainty, r.Source)
	if len(r.Columns) > 0 {
		b.WriteString(" cols=" + strings.Join(r.Columns, ","))
	}
	if len(r.Ignored) > 0 {
		b.WriteString(" ignored=" + strings.Join(r.Ignored, ","))
	}
	return b.String()
}

func refLines(rs []refs.Reference) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, refLine(r))
	}
	sort.Strings(out)
	return out
}

// checkTree compares the references of a testdata tree with want (in
// any order).
func checkTree(t *testing.T, x refs.Extractor, dir string, want []string) []refs.Reference {
	t.Helper()
	rs := extractTree(t, x, dir)
	sort.Strings(want)
	if diff := cmp.Diff(want, refLines(rs)); diff != "" {
		t.Errorf("%s: references (-want +got):\n%s", dir, diff)
	}
	return rs
}
