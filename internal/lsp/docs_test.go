package lsp_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/cli"
	"github.com/schemagate/schemagate/internal/lintcache"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/rules"
)

type codeBlock struct {
	lang string
	text string
}

// editorDocs returns the fenced code blocks of docs/editors.md.
func editorDocs(t *testing.T) []codeBlock {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "editors.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []codeBlock
	var cur *codeBlock
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &codeBlock{lang: strings.TrimPrefix(line, "```")}
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	if cur != nil {
		t.Fatal("unterminated code block")
	}
	return out
}

// The snippets start the real command with flags it has, pass settings
// the server reads, and the stdin ones parse the output of a real run
// with their own patterns.
func TestEditorDocs(t *testing.T) {
	blocks := editorDocs(t)
	langs := map[string]int{}
	for _, b := range blocks {
		langs[b.lang]++
	}
	for lang, n := range map[string]int{"lua": 3, "toml": 1, "elisp": 2, "vim": 1, "yaml": 1} {
		if langs[lang] < n {
			t.Errorf("docs/editors.md has %d %s snippets, want %d", langs[lang], lang, n)
		}
	}

	// What a lint of a buffer prints, to match the patterns against.
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv(lintcache.DirEnv, t.TempDir()) // not the user's cache
	buffer := "-- 🚀\nSELECT 'é'; CREATE INDEX idx ON users (email);\nCREATE TABLE t (v varchar(20));\nALTER TABLE;\n"
	lintOut := func(args []string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		code := cli.Main(args, strings.NewReader(buffer), &out, &errOut)
		if code != 0 || errOut.Len() > 0 {
			t.Fatalf("schemagate %v: exit %d, %s", args, code, errOut.String())
		}
		return out.String()
	}
	file := filepath.Join(dir, "db", "migrations", "001_x.sql")
	// A warning, a note (a hint) and an error.
	wantRules := []string{rules.RequireConcurrentIndexCreation.Name, rules.PreferTextField.Name, rules.SyntaxError.Name}

	for _, b := range blocks {
		switch b.lang {
		case "lua":
			if !strings.Contains(b.text, `cmd = { "schemagate", "lsp" }`) {
				t.Errorf("Lua snippet does not start `schemagate lsp`:\n%s", b.text)
			}
			checkLanguages(t, b.text)
			checkServerCommand(t, []string{"schemagate", "lsp"})
		case "toml":
			if !strings.Contains(b.text, `command = "schemagate"`) || !strings.Contains(b.text, `args = ["lsp"]`) {
				t.Errorf("TOML snippet does not start `schemagate lsp`:\n%s", b.text)
			}
			checkLanguages(t, b.text)
		case "elisp":
			if strings.Contains(b.text, "eglot") {
				if !strings.Contains(b.text, `("schemagate" "lsp"`) {
					t.Errorf("eglot snippet does not start `schemagate lsp`:\n%s", b.text)
				}
				for _, mode := range []string{"sql-mode", "ruby-mode", "python-mode", "typescript-mode"} {
					if !strings.Contains(b.text, mode) {
						t.Errorf("eglot snippet leaves out %s", mode)
					}
				}
				continue
			}
			// flymake: the command list and the Emacs regexp.
			args := quotedArgs(t, regexp.MustCompile(`\(list ("schemagate"[^)]*)\)`), b.text)
			args = replaceArg(args, "name", file)
			re := emacsRegexp(t, b.text)
			matchAll(t, "flymake", re, lintOut(args[1:]), wantRules)
		case "vim":
			m := regexp.MustCompile(`'command': '%e ([^']+)'`).FindStringSubmatch(b.text)
			if m == nil {
				t.Fatalf("no command in the ALE snippet")
			}
			args := replaceArg(strings.Fields(m[1]), "%s", file)
			p := regexp.MustCompile(`let l:pattern = '\\v([^']+)'`).FindStringSubmatch(b.text)
			if p == nil {
				t.Fatalf("no pattern in the ALE snippet")
			}
			matchAll(t, "ALE", regexp.MustCompile(p[1]), lintOut(args), wantRules)
		case "yaml":
			m := regexp.MustCompile(`lint-command: 'schemagate ([^']+)'`).FindStringSubmatch(b.text)
			if m == nil {
				t.Fatalf("no lint-command in the efm snippet")
			}
			out := lintOut(replaceArg(strings.Fields(m[1]), "${INPUT}", file))
			var formats []*regexp.Regexp
			for _, f := range regexp.MustCompile(`- '([^']+)'`).FindAllStringSubmatch(b.text, -1) {
				formats = append(formats, errorformat(f[1]))
			}
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if !slices.ContainsFunc(formats, func(re *regexp.Regexp) bool { return re.MatchString(l) }) {
					t.Errorf("no efm lint-format reads %q", l)
				}
			}
		}
	}
}

// checkLanguages checks that a setup attaches the server to the
// languages migrations are written in, not to SQL alone.
func checkLanguages(t *testing.T, text string) {
	t.Helper()
	for _, lang := range []string{"sql", "ruby", "python", "typescript"} {
		if !strings.Contains(text, `"`+lang+`"`) {
			t.Errorf("setup leaves out %s migrations:\n%s", lang, text)
		}
	}
}

// The VS Code extension's settings are the server's: their defaults,
// sent as initialization options, decode strictly into lsp.Settings,
// and it starts `schemagate lsp` for every migration language.
func TestVSCodeExtensionSettings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "editors", "vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Main             string   `json:"main"`
		ActivationEvents []string `json:"activationEvents"`
		Contributes      struct {
			Configuration struct {
				Properties map[string]struct {
					Default json.RawMessage `json:"default"`
				} `json:"properties"`
			} `json:"configuration"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	settings := map[string]json.RawMessage{}
	for name, p := range pkg.Contributes.Configuration.Properties {
		key, ok := strings.CutPrefix(name, "schemagate.")
		if !ok {
			t.Errorf("setting %s is not under schemagate.", name)
			continue
		}
		if key != "path" { // the executable, read by the extension itself
			settings[key] = p.Default
		}
	}
	raw, _ := json.Marshal(map[string]any{"schemagate": settings})
	checkSettings(t, raw)
	for _, lang := range []string{"sql", "ruby", "python", "typescript", "javascript", "go"} {
		if !slices.Contains(pkg.ActivationEvents, "onLanguage:"+lang) {
			t.Errorf("the extension does not start on %s files", lang)
		}
	}
	js, err := os.ReadFile(filepath.Join("..", "..", "editors", "vscode", pkg.Main))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `args: ["lsp"]`) {
		t.Errorf("%s does not start schemagate lsp", pkg.Main)
	}
	checkServerCommand(t, []string{"schemagate", "lsp"})
}

// checkServerCommand runs the command's flag parsing for the language
// server command line.
func checkServerCommand(t *testing.T, argv []string) {
	t.Helper()
	if len(argv) != 2 || argv[0] != "schemagate" || argv[1] != "lsp" {
		t.Fatalf("server command %v, want schemagate lsp", argv)
	}
	root := cli.NewRoot(cli.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	cmd, rest, err := root.Find(argv[1:])
	if err != nil || cmd.Name() != "lsp" || len(rest) != 0 {
		t.Fatalf("schemagate lsp: %v %v %v", cmd, rest, err)
	}
	if err := cmd.ParseFlags([]string{"--debounce", "300ms", "--no-cache"}); err != nil {
		t.Errorf("the flags the docs name: %v", err)
	}
}

// checkSettings decodes initialization options strictly.
func checkSettings(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var wrapped struct {
		Schemagate lsp.Settings `json:"schemagate"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wrapped); err != nil {
		t.Errorf("settings %s: %v", raw, err)
	}
}

func quotedArgs(t *testing.T, re *regexp.Regexp, text string) []string {
	t.Helper()
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no %v in:\n%s", re, text)
	}
	var out []string
	for _, w := range regexp.MustCompile(`"[^"]*"|[^\s"]+`).FindAllString(m[1], -1) {
		out = append(out, strings.Trim(w, `"`))
	}
	return out
}

func replaceArg(args []string, from, to string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == from {
			out[i] = to
		}
	}
	return out
}

// emacsRegexp converts the flymake snippet's regexp string to Go's
// syntax.
func emacsRegexp(t *testing.T, text string) *regexp.Regexp {
	t.Helper()
	m := regexp.MustCompile(`"(\^[^"]+)"`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no regexp in the flymake snippet")
	}
	s := strings.ReplaceAll(m[1], `\\`, `\`)
	s = strings.NewReplacer(`\(`, `(`, `\)`, `)`, `\|`, `|`).Replace(s)
	return regexp.MustCompile(s)
}

// errorformat converts a Vim errorformat line to a regexp.
func errorformat(f string) *regexp.Regexp {
	s := regexp.QuoteMeta(f)
	s = strings.NewReplacer("%f", `(.+?)`, "%l", `(\d+)`, "%c", `(\d+)`, "%t", `(\w)`, "%m", `(.+)`).Replace(s)
	return regexp.MustCompile("^" + s + "$")
}

// matchAll checks that every output line matches and names the rules.
func matchAll(t *testing.T, what string, re *regexp.Regexp, out string, wantRules []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(wantRules) {
		t.Fatalf("%s: output %q, want %d findings", what, out, len(wantRules))
	}
	for i, l := range lines {
		if !re.MatchString(l) || !strings.Contains(l, "["+wantRules[i]+"]") {
			t.Errorf("%s: pattern %v does not read %q", what, re, l)
		}
	}
}
