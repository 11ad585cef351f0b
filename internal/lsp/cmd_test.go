package lsp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/cli"
	"github.com/schemagate/schemagate/internal/lintcache"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/rules"
)

// runCommand runs `schemagate lsp ARGS` as an editor does, on pipes.
func runCommand(t *testing.T, args ...string) (*client, *bytes.Buffer) {
	t.Setenv(lintcache.DirEnv, t.TempDir()) // not the user's cache
	var stderr bytes.Buffer
	c := dial(t, func(_ context.Context, in io.Reader, out io.Writer) error {
		code := cli.Main(append([]string{"lsp"}, args...), in, out, &stderr)
		if code != 0 {
			return fmt.Errorf("exit code %d", code)
		}
		return nil
	})
	return c, &stderr
}

// The command editors start: a session from initialize to exit, with
// the explanation `schemagate explain` prints on hover.
func TestCommand(t *testing.T) {
	root := t.TempDir()
	c, stderr := runCommand(t, "--debounce", "20ms")
	res := c.initialize(root, editorCaps(), map[string]any{"schemagate": map[string]any{"debounce": 10}})
	if res.ServerInfo == nil || res.ServerInfo.Name != "schemagate" || res.ServerInfo.Version != cli.ToolVersion() {
		t.Errorf("serverInfo %+v", res.ServerInfo)
	}
	file := "db/migrations/001_x.sql"
	text := "-- 🚀\nCREATE INDEX idx ON users (email);\n"
	uri := c.open(filepath.Join(root, file), text)
	got := c.waitVersion(uri, 1)
	if len(got.Diagnostics) != 1 || got.Diagnostics[0].Code != rules.RequireConcurrentIndexCreation.Name {
		t.Fatalf("diagnostics %+v", got.Diagnostics)
	}
	var h *lsp.Hover
	c.mustCall("textDocument/hover", lsp.TextDocumentPositionParams{TextDocument: lsp.TextDocumentIdentifier{URI: uri}, Position: lsp.Position{Line: 1, Character: 4}}, &h)
	if h == nil || !strings.Contains(h.Contents.Value, strings.TrimRight(cli.Explain(rules.RequireConcurrentIndexCreation), "\n")) {
		t.Errorf("hover does not hold `schemagate explain`'s text: %+v", h)
	}
	c.shutdown()
	if stderr.Len() > 0 {
		t.Errorf("stderr: %q", stderr.String())
	}
}

// An editor that goes away without shutdown gets exit code 1.
func TestCommandWithoutShutdown(t *testing.T) {
	c, _ := runCommand(t)
	c.initialize(t.TempDir(), editorCaps(), nil)
	c.notify("exit", nil)
	select {
	case err := <-c.served:
		if err == nil || !strings.Contains(err.Error(), "exit code 1") {
			t.Errorf("got %v, want exit code 1", err)
		}
		c.served <- err
	case <-time.After(5 * time.Second):
		t.Fatal("no exit")
	}
}
