package snapshot_test

import (
	"bytes"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/snapshot"
)

// FuzzDecode: whatever the bytes, Decode gives a snapshot that passed
// every check or a one-line error naming the document; never a panic. A
// snapshot it accepts has every section, encodes back to the same
// document, and its files can all be opened. The seeds in
// testdata/fuzz/FuzzDecode are real snapshots (plain, gzip, with every
// kind of file) and one without its reference list.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"",
		"{}",
		`{"format":1}`,
		`{"format":1,"min_format":1,"revision":"r1","references":{"version":1,"refs":[]},"catalog":{"tables":{},"indexes":{},"objects":{}}}`,
		"\x1f\x8b",
		`[1,2,3]`,
		`{"format":2,"min_format":9}`,
	} {
		f.Add([]byte(seed))
	}
	const name = "s3://snaps/shop/r1.json.gz"
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := snapshot.Decode(bytes.NewReader(data), name)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, name+": ") || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("error is not one line naming the document: %q", msg)
			}
			return
		}
		if s.References == nil || s.Catalog == nil || s.Migrations == nil || s.Files == nil {
			t.Fatalf("accepted a snapshot without a section: %+v", s)
		}
		again, err := s.Marshal(false)
		if err != nil {
			t.Fatalf("re-encoding an accepted snapshot: %v", err)
		}
		s2, err := snapshot.Decode(bytes.NewReader(again), name)
		if err != nil {
			t.Fatalf("an accepted snapshot, re-encoded, is refused: %v", err)
		}
		third, err := s2.Marshal(false)
		if err != nil || !bytes.Equal(again, third) {
			t.Fatalf("encoding is not stable across a decode (%v)", err)
		}
		fsys := s.FS()
		err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			fh, err := fsys.Open(p)
			if err != nil {
				return err
			}
			defer fh.Close()
			_, _ = io.Copy(io.Discard, fh) // an omitted file's read error is expected
			return nil
		})
		if err != nil {
			t.Fatalf("walking the snapshot's files: %v", err)
		}
		_ = s.Name()
		_ = s.FS()
	})
}
