package lang

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLiterals feeds arbitrary bytes to every reader: no input may make
// it panic or produce a map outside the file.
func FuzzLiterals(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, path := range files {
		if src, err := os.ReadFile(path); err == nil {
			f.Add(string(Detect(path)), src)
		}
	}
	f.Add("ruby", []byte("x = <<~A\n  SELECT #{a FROM t\n"))
	f.Add("python", []byte("f'SELECT {a FROM t'"))
	f.Add("java", []byte("\"\"\"\nSELECT a FROM t\\"))
	langs := []Language{Go, Ruby, Python, JavaScript, TypeScript, Java}
	f.Fuzz(func(t *testing.T, lang string, src []byte) {
		l := Language(lang)
		if Detect("x."+map[Language]string{Go: "go", Ruby: "rb", Python: "py", JavaScript: "js", TypeScript: "ts", Java: "java"}[l]) != l {
			l = langs[len(src)%len(langs)]
		}
		lits, _ := Literals(l, "fuzz", src)
		for _, lit := range lits {
			for _, p := range lit.Map {
				if p.File < 0 || p.File+p.Len > len(src) || p.Text+p.Len > len(lit.Text) {
					t.Fatalf("piece %+v out of range (text %d, file %d bytes)", p, len(lit.Text), len(src))
				}
			}
			if off := lit.FileOffset(len(lit.Text)); off < 0 || off > len(src) {
				t.Fatalf("FileOffset(end) = %d of %d", off, len(src))
			}
		}
	})
}
