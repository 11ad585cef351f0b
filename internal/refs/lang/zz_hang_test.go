package lang

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZHang(t *testing.T) {
	if os.Getenv("HANG") == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	r := rand.New(rand.NewSource(1))
	for iter := 0; iter < 3000; iter++ {
		path := files[r.Intn(len(files))]
		src, _ := os.ReadFile(path)
		for k := 0; k < 1+r.Intn(5); k++ {
			i := r.Intn(len(src))
			switch r.Intn(3) {
			case 0:
				src[i] = byte(r.Intn(256))
			case 1:
				src = append(src[:i], src[min(len(src), i+r.Intn(20)):]...)
			case 2:
				j := r.Intn(len(src))
				src = append(src[:i], append(append([]byte{}, src[j:min(len(src), j+r.Intn(20))]...), src[i:]...)...)
			}
			if len(src) == 0 {
				break
			}
		}
		done := make(chan bool)
		go func() { Literals(Detect(path), path, src); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			os.WriteFile("/tmp/hang.input", src, 0o644)
			t.Fatalf("hang on %s iter %d", path, iter)
		}
	}
}
