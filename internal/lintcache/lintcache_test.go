package lintcache

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// ruleCases lints every rule's test files, which between them have
// findings with hints, fixes and edits of every kind.
func ruleCases(t *testing.T) []rules.Finding {
	t.Helper()
	files, err := filepath.Glob("../../testdata/rules/*/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule test files: %v", err)
	}
	var units []*migration.Migration
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, migrations.FromText(f, text, migration.FormatAuto))
	}
	return lint.Run(units, lint.Options{Catalog: catalog.New()})
}

func TestRoundTrip(t *testing.T) {
	t.Setenv(DirEnv, t.TempDir())
	want := ruleCases(t)
	var fixes, evidence int
	for _, f := range want {
		fixes += len(f.Fixes)
		evidence += len(f.Evidence)
	}
	if fixes == 0 {
		t.Fatal("no finding with a fix among the rule test files")
	}
	s := Open("test", nil)
	if _, ok := s.Get("k"); ok {
		t.Fatal("hit in an empty cache")
	}
	s.Put("k", want)
	s.Wait()
	got, ok := Open("test", nil).Get("k")
	if !ok {
		t.Fatal("miss after Put")
	}
	// Exactly what was put: nil and empty slices too, which the JSON
	// report tells apart.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, ok := Open("another version", nil).Get("k"); ok {
		t.Error("another version of the tool read the entry")
	}
	// Many findings, strings repeating.
	var many []rules.Finding
	for len(many) < 5000 {
		many = append(many, want...)
	}
	s.Put("many", many)
	s.Wait()
	if got, ok := s.Get("many"); !ok || len(got) != len(many) {
		t.Errorf("%d findings read back (hit %v), want %d", len(got), ok, len(many))
	}
}

// TestDamagedEntryIsAMiss: an entry that does not decode is discarded,
// and the run lints again.
func TestDamagedEntryIsAMiss(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(DirEnv, dir)
	var logged []string
	s := Open("test", func(f string, a ...any) { logged = append(logged, f) })
	// A whole entry whose payload is not findings.
	if err := s.dir.Put(s.key("k"), []byte{0xff, 0xff, 0xff}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Get("k"); ok {
		t.Fatal("a payload that does not decode was a hit")
	}
	if len(logged) == 0 || !strings.Contains(logged[0], "discarding") {
		t.Errorf("logged %q, want the entry discarded", logged)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("the damaged entry was kept: %v", ents)
	}
}

// TestConcurrentRuns: runs putting and getting the same key at once
// read whole entries only.
func TestConcurrentRuns(t *testing.T) {
	t.Setenv(DirEnv, t.TempDir())
	want := ruleCases(t)
	var wg sync.WaitGroup
	bad := make(chan string, 100)
	for w := 0; w < 6; w++ {
		wg.Go(func() {
			s := Open("test", nil)
			for i := 0; i < 5; i++ {
				s.Put("k", want)
				if got, ok := s.Get("k"); ok && len(got) != len(want) {
					bad <- "a partial entry was read"
				}
			}
			s.Wait()
		})
	}
	wg.Wait()
	close(bad)
	for b := range bad {
		t.Error(b)
	}
	if got, ok := Open("test", nil).Get("k"); !ok || !cmp.Equal(want, got) {
		t.Error("the entry is not whole after the concurrent runs")
	}
}

// TestCodecFields: the codec writes every field of a finding by hand; a
// field added to these types must be added to it (and this list).
func TestCodecFields(t *testing.T) {
	fields := func(v any) []string {
		var out []string
		ty := reflect.TypeOf(v)
		for i := 0; i < ty.NumField(); i++ {
			out = append(out, ty.Field(i).Name)
		}
		return out
	}
	for _, c := range []struct {
		v    any
		want []string
	}{
		{rules.Finding{}, []string{"Rule", "Severity", "Category", "File", "Span", "Message", "Hint", "Release", "Evidence", "MoreEvidence", "Fixes"}},
		{rules.Evidence{}, []string{"Release", "File", "Line", "Column", "Snippet", "Kind"}},
		{rules.Fix{}, []string{"Title", "Edits"}},
		{rules.Edit{}, []string{"Start", "End", "Text"}},
		{source.Span{}, []string{"Start", "End"}},
		{source.Pos{}, []string{"Offset", "Line", "Column"}},
	} {
		if diff := cmp.Diff(c.want, fields(c.v)); diff != "" {
			t.Errorf("%T changed: update lintcache's codec (-known +now):\n%s", c.v, diff)
		}
	}
}

// TestCodecNilAndEmpty: nil and empty slices come back as they went.
func TestCodecNilAndEmpty(t *testing.T) {
	want := []rules.Finding{
		{Rule: "r", Fixes: []rules.Fix{{Title: "nil edits"}, {Title: "no edits", Edits: []rules.Edit{}}}, Evidence: []rules.Evidence{}},
		{Rule: "r", Severity: rules.Error, Span: source.Span{Start: source.Pos{Offset: -1, Line: 2, Column: 3}}, MoreEvidence: 4},
	}
	var b bytes.Buffer
	if err := encode(&b, want); err != nil {
		t.Fatal(err)
	}
	got, err := decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Cut anywhere, the encoding does not decode.
	if err := encode(&b, want); err != nil {
		t.Fatal(err)
	}
	full := b.Bytes()
	for i := 0; i < len(full); i++ {
		if _, err := decode(bytes.NewReader(full[:i])); err == nil {
			t.Errorf("%d of %d bytes decoded", i, len(full))
		}
	}
}

// The decoder reads varints from memory: it must read what
// encoding/binary writes, and refuse what encoding/binary refuses.
func TestDecoderVarints(t *testing.T) {
	for _, n := range []int64{0, 1, -1, 63, -64, 64, 127, 128, 1 << 20, -(1 << 40), 1<<63 - 1, -1 << 63} {
		d := &decoder{data: string(binary.AppendVarint(nil, n))}
		if got := d.int(); d.err != nil || int64(got) != n || d.at != len(d.data) {
			t.Errorf("varint %d: read %d (err %v, %d of %d bytes)", n, got, d.err, d.at, len(d.data))
		}
	}
	for _, bad := range []string{"", "\x80", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"} {
		_, werr := binary.ReadUvarint(strings.NewReader(bad))
		d := &decoder{data: bad}
		d.uint()
		if (d.err != nil) != (werr != nil) || werr == nil {
			t.Errorf("%q: decoder error %v, encoding/binary's %v", bad, d.err, werr)
		}
	}
}
