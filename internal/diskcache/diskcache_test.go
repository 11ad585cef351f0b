package diskcache

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func testDir(t *testing.T) *Dir {
	t.Helper()
	return &Dir{Path: t.TempDir(), Name: "test", Title: "test cache", Magic: [8]byte{'T', 'E', 'S', 'T', 0, 0, 0, 1}}
}

func TestHitAndMiss(t *testing.T) {
	d := testDir(t)
	if _, ok := d.Get("k"); ok {
		t.Fatal("hit in an empty cache")
	}
	want := bytes.Repeat([]byte("payload "), 20000)
	if err := d.Put("k", want); err != nil {
		t.Fatal(err)
	}
	got, ok := d.Get("k")
	if !ok {
		t.Fatal("miss after Put")
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Get gave %d bytes, want the %d put", len(got), len(want))
	}
	if _, ok := d.Get("k2"); ok {
		t.Error("hit for another key")
	}
	// Streaming in and out gives the same bytes.
	if err := d.PutFunc("s", func(w io.Writer) error {
		for i := 0; i < 1000; i++ {
			fmt.Fprintf(w, "line %d\n", i)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	if !d.GetFunc("s", func(r io.Reader) error { _, err := io.Copy(&streamed, r); return err }) {
		t.Fatal("miss after PutFunc")
	}
	if !strings.HasPrefix(streamed.String(), "line 0\n") || !strings.HasSuffix(streamed.String(), "line 999\n") {
		t.Errorf("streamed payload %q...", streamed.String()[:20])
	}
	// A reader that stops early still has the whole entry checked, and
	// overwriting leaves no temporary file behind.
	if !d.GetFunc("s", func(r io.Reader) error { _, err := r.Read(make([]byte, 3)); return err }) {
		t.Error("a reader that stops early made a miss")
	}
	if err := d.Put("k", want); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(d.Path)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if len(ents) != 2 {
		t.Errorf("%d entries, want 2", len(ents))
	}
}

func TestDamagedEntries(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789"), 1000)
	tests := []struct {
		name   string
		damage func(data []byte, d *Dir) []byte
	}{
		{"truncated", func(b []byte, _ *Dir) []byte { return b[:len(b)-10] }},
		{"header only", func(b []byte, _ *Dir) []byte { return b[:HeaderLen] }},
		{"half a header", func(b []byte, _ *Dir) []byte { return b[:HeaderLen/2] }},
		{"longer", func(b []byte, _ *Dir) []byte { return append(b, "more"...) }},
		{"flipped payload byte", func(b []byte, _ *Dir) []byte { b[len(b)/2] ^= 0xff; return b }},
		{"flipped checksum byte", func(b []byte, _ *Dir) []byte { b[8+32+3] ^= 0x01; return b }},
		{"flipped length byte", func(b []byte, _ *Dir) []byte { b[HeaderLen-1] ^= 0x01; return b }},
		{"other magic", func(b []byte, _ *Dir) []byte { b[7] ^= 0x01; return b }},
		{"not an entry", func([]byte, *Dir) []byte { return []byte(`{"version":1}`) }},
		{"empty", func([]byte, *Dir) []byte { return nil }},
		{"entry of another key", func(_ []byte, d *Dir) []byte {
			if err := d.Put("other", payload); err != nil {
				t.Fatal(err)
			}
			name, _ := d.File("other")
			b, _ := os.ReadFile(name)
			return b
		}},
	}
	// Every damage is caught with either checksum, streamed or mapped.
	type getter struct {
		name string
		get  func(d *Dir, key string) ([]byte, bool)
	}
	getters := []getter{
		{"Get", (*Dir).Get},
		{"GetBytes", func(d *Dir, key string) ([]byte, bool) {
			var got []byte
			ok := d.GetBytes(key, func(p []byte) error { got = bytes.Clone(p); return nil })
			return got, ok
		}},
	}
	for _, crc := range []bool{false, true} {
		for _, g := range getters {
			for _, tc := range tests {
				t.Run(fmt.Sprintf("%s/crc=%v/%s", g.name, crc, tc.name), func(t *testing.T) {
					d := testDir(t)
					d.CRC = crc
					damagedEntry(t, d, payload, tc.damage, g.get)
				})
			}
		}
	}
}

// damagedEntry puts payload, damages its entry and checks that get
// misses, deletes and reports it, and hits once it is put again.
func damagedEntry(t *testing.T, d *Dir, payload []byte, damage func([]byte, *Dir) []byte, get func(*Dir, string) ([]byte, bool)) {
	t.Helper()
	var logged []string
	d.Log = func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }
	if err := d.Put("k", payload); err != nil {
		t.Fatal(err)
	}
	name, err := d.File("k")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, damage(data, d), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := get(d, "k"); ok || got != nil {
		t.Fatal("a damaged entry was trusted")
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("damaged entry not deleted: %v", err)
	}
	if len(logged) == 0 || !strings.Contains(logged[0], "test cache: discarding") {
		t.Errorf("discarding was not reported: %q", logged)
	}
	if err := d.Put("k", payload); err != nil {
		t.Fatal(err)
	}
	if got, ok := get(d, "k"); !ok || !bytes.Equal(got, payload) {
		t.Error("no hit after a repairing Put")
	}
}

// TestReadError: an entry whose reader fails is a miss, and is deleted.
func TestReadError(t *testing.T) {
	d := testDir(t)
	if err := d.Put("k", []byte("payload")); err != nil {
		t.Fatal(err)
	}
	if d.GetFunc("k", func(io.Reader) error { return fmt.Errorf("cannot decode") }) {
		t.Error("hit although the reader failed")
	}
	if _, ok := d.Get("k"); ok {
		t.Error("the entry the reader could not read was kept")
	}
}

// TestBounded: past MaxBytes, a run's Put deletes the entries used
// longest ago, down to three quarters of the bound.
func TestBounded(t *testing.T) {
	d := testDir(t)
	d.MaxBytes = 10 * (HeaderLen + 1000)
	payload := bytes.Repeat([]byte("x"), 1000)
	old := time.Now().Add(-48 * time.Hour)
	for i := 0; i < 10; i++ {
		key := fmt.Sprint("k", i)
		if err := d.Put(key, payload); err != nil {
			t.Fatal(err)
		}
		name, _ := d.File(key)
		when := old.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(name, when, when); err != nil {
			t.Fatal(err)
		}
	}
	// Reading k0 makes it the most recently used.
	if _, ok := d.Get("k0"); !ok {
		t.Fatal("miss before the bound was reached")
	}
	// The next run's Put bounds the directory (a run lists it at most
	// once a minute).
	d = &Dir{Path: d.Path, Name: d.Name, Title: d.Title, Magic: d.Magic, MaxBytes: d.MaxBytes}
	if err := d.Put("k10", payload); err != nil {
		t.Fatal(err)
	}
	var kept []string
	for i := 0; i <= 10; i++ {
		if _, ok := d.Get(fmt.Sprint("k", i)); ok {
			kept = append(kept, fmt.Sprint("k", i))
		}
	}
	want := []string{"k0", "k5", "k6", "k7", "k8", "k9", "k10"}
	if diff := cmp.Diff(want, kept); diff != "" {
		t.Errorf("entries kept (-want +got):\n%s", diff)
	}
	var total int64
	ents, _ := os.ReadDir(d.Path)
	for _, e := range ents {
		info, _ := e.Info()
		total += info.Size()
	}
	if total > d.MaxBytes {
		t.Errorf("directory holds %d bytes, bound %d", total, d.MaxBytes)
	}
}

// TestConcurrent: runs writing and reading the same keys at once never
// read anything but a whole entry.
func TestConcurrent(t *testing.T) {
	d := testDir(t)
	d.MaxBytes = 1 << 20
	payloads := map[string][]byte{}
	for i := 0; i < 4; i++ {
		payloads[fmt.Sprint("k", i)] = bytes.Repeat([]byte{byte('a' + i)}, 50000+i)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for w := 0; w < 8; w++ {
		wg.Go(func() {
			for i := 0; i < 20; i++ {
				for k, p := range payloads {
					if err := d.Put(k, p); err != nil {
						errs <- err.Error()
					}
					if got, ok := d.Get(k); ok && !bytes.Equal(got, p) {
						errs <- "read another payload for " + k
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for k, p := range payloads {
		if got, ok := d.Get(k); !ok || !bytes.Equal(got, p) {
			t.Errorf("%s: not whole after the concurrent runs", k)
		}
	}
}

func TestDefaultFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("HOME", home)
	d := &Dir{Name: "lint", Title: "lint cache"}
	got, err := d.Folder()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "schemagate", "lint"); got != want {
		t.Errorf("default folder %s, want %s", got, want)
	}
}
