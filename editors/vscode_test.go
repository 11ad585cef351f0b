package editors_test

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The VS Code extension packages with vsce (installed from npm with the
// extension's lock file), and the package holds the extension, its
// manifest and the language client it needs. VS Code itself cannot run
// headless here; the server side of what it does is internal/lsp's
// tests, the settings it sends are checked by internal/lsp's docs test.
func TestVSCodeExtensionPackages(t *testing.T) {
	npm := need(t, "npm")
	// Mostly waiting for the registry: alongside the editors, and within
	// go test's 10 minutes for the package.
	t.Parallel()
	src := filepath.Join("..", "editors", "vscode")
	dir := filepath.Join(t.TempDir(), "vscode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"package.json", "package-lock.json", "extension.js", "README.md", ".vscodeignore"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "npm_config_cache="+filepath.Join(home, ".npm"), "npm_config_update_notifier=false")
	npmRun := func(timeout time.Duration, args ...string) ([]byte, error) {
		cmd := exec.Command(npm, args...)
		cmd.Dir, cmd.Env = dir, env
		done := make(chan struct{})
		timer := time.AfterFunc(timeout, func() { _ = cmd.Process.Kill(); close(done) })
		out, err := cmd.CombinedOutput()
		if !timer.Stop() {
			<-done
		}
		return out, err
	}
	if out, err := npmRun(time.Minute, "ping"); err != nil {
		t.Skipf("the npm registry cannot be reached: %v\n%s", err, out)
	}
	if out, err := npmRun(7*time.Minute, "ci", "--no-audit", "--no-fund", "--ignore-scripts"); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	vsix := filepath.Join(dir, "schemagate.vsix")
	if out, err := npmRun(2*time.Minute, "exec", "--", "vsce", "package", "--skip-license", "--out", vsix); err != nil {
		t.Fatalf("vsce package: %v\n%s", err, out)
	}

	zr, err := zip.OpenReader(vsix)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	var manifest []byte
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "extension/package.json" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			manifest, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	for _, want := range []string{"extension.vsixmanifest", "extension/package.json", "extension/extension.js", "extension/node_modules/vscode-languageclient/node.js"} {
		if !slices.Contains(names, want) {
			t.Errorf("the package lacks %s", want)
		}
	}
	for _, n := range names {
		if strings.Contains(n, "node_modules/@vscode/vsce") {
			t.Errorf("the package holds a development dependency: %s", n)
			break
		}
	}
	var pkg struct {
		Main string `json:"main"`
	}
	if err := json.Unmarshal(manifest, &pkg); err != nil || pkg.Main != "./extension.js" {
		t.Errorf("packaged manifest: main %q, %v", pkg.Main, err)
	}
}
