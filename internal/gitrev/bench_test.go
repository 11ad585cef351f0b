package gitrev

import (
	"io/fs"
	"testing"
)

// BenchmarkFS measures listing a 2,000-file revision (three git processes
// and the index) and reading every blob through one cat-file process.
func BenchmarkFS(b *testing.B) {
	dir, files := generateRepo(b, 2000)
	r, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("List", func(b *testing.B) {
		for b.Loop() {
			f, err := r.FS("main")
			if err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		b.ReportMetric(float64(len(files)), "files/op")
	})

	b.Run("ReadAll", func(b *testing.B) {
		f, err := r.FS("main")
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		var bytes int64
		for b.Loop() {
			bytes = 0
			err := fs.WalkDir(f, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := f.ReadFile(p)
				bytes += int64(len(data))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(bytes)
		b.ReportMetric(float64(len(files)), "files/op")
	})
}
