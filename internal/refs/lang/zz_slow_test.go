package lang

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestZZSlow(t *testing.T) {
	path := os.Getenv("SLOW")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	lines := strings.SplitN(string(data), "\n", 4)
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[2], "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []Language{Go, Ruby, Python, JavaScript, TypeScript, Java} {
		start := time.Now()
		lits, err := Literals(l, "x", []byte(s))
		fmt.Println(l, len(s), len(lits), err, time.Since(start))
	}
}
