package alembic

import (
	"context"
	"os"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

func TestDump(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("DUMP"))
	p := sitter.NewParser()
	p.SetLanguage(python.GetLanguage())
	tree, _ := p.ParseCtx(context.Background(), nil, src)
	t.Log(tree.RootNode().String())
}
