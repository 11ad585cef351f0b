package tsnode

import (
	"context"
	"strings"
	"testing"

	"github.com/smacker/go-tree-sitter/ruby"
)

// The copy of a megabyte of Ruby (20,000 add_column calls): what the
// Rails translator pays on top of tree-sitter's own parse.
func BenchmarkCopyRuby(b *testing.B) {
	src := []byte(strings.Repeat("add_column :users, :nickname, :string, null: true # c\n", 20000))
	lang := ruby.GetLanguage()
	p := GetParser(lang)
	tree, err := p.ParseCtx(context.Background(), nil, src)
	if err != nil {
		b.Fatal(err)
	}
	PutParser(lang, p)
	defer tree.Close()
	info := languageOf(lang)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		copyTree(tree.RootNode(), info, src, Options{NoComments: true, MaxDepth: 4096})
	}
}
