// Package editors_test runs the editor set-ups of docs/editors.md in the
// real editors, headless, where Debian ships them (scripts/deps.sh
// installs Neovim 0.7, Emacs 28 with eglot, ALE and efm-langserver): each
// snippet, as the docs print it, attaches to `schemagate lsp` (or runs
// `schemagate lint --stdin`) on a SQL and a Rails migration, and the
// editor must show the findings where they are. A test is skipped only
// when its editor is not installed.
package editors_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testutil"
)

// snippet returns the code block of docs/editors.md marked
// `<!-- test: name -->`.
func snippet(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", "editors.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- test: "+name+" -->\n")
	if !ok {
		t.Fatalf("docs/editors.md has no snippet marked %q", name)
	}
	_, rest, ok = strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("snippet %q has no code block", name)
	}
	_, rest, _ = strings.Cut(rest, "\n") // the block's language
	code, _, ok := strings.Cut(rest, "\n```\n")
	if !ok {
		t.Fatalf("snippet %q is not terminated", name)
	}
	return code + "\n"
}

// schemagateOnPath returns a PATH that finds the schemagate command,
// built once, first.
func schemagateOnPath(t *testing.T) string {
	t.Helper()
	return filepath.Dir(testutil.Schemagate(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
}

// need skips the test when the editor is not installed.
func need(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (scripts/deps.sh installs it)", name)
	}
	return p
}

// migration is a migration opened in an editor: its project's files,
// the finding the editor must show and the code action to apply.
type migration struct {
	name  string
	files map[string]string
	open  string
	rule  string // the finding's rule
	at    string // the text the finding starts at, on its line
	// action is the start of the title of the code action to apply, and
	// applied are what the file must hold afterwards.
	action  string
	applied []string
	noEmacs bool
}

var migrations = []migration{
	{
		name: "sql",
		files: map[string]string{
			"db/migrations/001_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
			// Multi-byte text before the finding on its line: each editor
			// counts columns its own way.
			"db/migrations/002_index.sql": "-- +goose Up\nSELECT 'naïve 🚀'; CREATE INDEX idx_users_email ON users (email);\n",
		},
		open:    "db/migrations/002_index.sql",
		rule:    "require-concurrent-index-creation",
		at:      "CREATE INDEX",
		action:  "Add CONCURRENTLY",
		applied: []string{"-- +goose NO TRANSACTION", "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email"},
	},
	{
		name: "rails",
		files: map[string]string{
			"db/migrate/20240101000000_create_users.rb": "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users do |t|\n      t.text :email\n    end\n  end\nend\n",
			"db/migrate/20240102000000_add_index.rb":    "class AddIndexOnUsersEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, :email # 🚀\n  end\nend\n",
		},
		open:    "db/migrate/20240102000000_add_index.rb",
		rule:    "require-concurrent-index-creation",
		at:      "add_index",
		action:  "Add algorithm: :concurrently",
		applied: []string{"disable_ddl_transaction!", "add_index :users, :email, algorithm: :concurrently, if_not_exists: true"},
	},
	{
		name: "alembic",
		files: map[string]string{
			"alembic.ini":                  "[alembic]\nscript_location = alembic\n",
			"alembic/versions/a1_users.py": "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"a1\"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table(\"users\", sa.Column(\"id\", sa.BigInteger(), primary_key=True), sa.Column(\"email\", sa.Text()))\n",
			"alembic/versions/b2_index.py": "from alembic import op\n\nrevision = \"b2\"\ndown_revision = \"a1\"\n\n\ndef upgrade():\n    op.create_index(\"ix_users_email\", \"users\", [\"email\"])  # 🚀\n",
		},
		open:    "alembic/versions/b2_index.py",
		rule:    "require-concurrent-index-creation",
		at:      "op.create_index",
		action:  "Add postgresql_concurrently=True",
		applied: []string{"with op.get_context().autocommit_block():", "postgresql_concurrently=True, if_not_exists=True"},
	},
	{
		name: "typeorm",
		files: map[string]string{
			"src/migrations/1700000000000-Users.ts":    "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\nexport class Users1700000000000 implements MigrationInterface {\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`CREATE TABLE \"users\" (\"id\" bigint PRIMARY KEY, \"email\" text)`);\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n",
			"src/migrations/1700000000001-AddIndex.ts": "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\nexport class AddIndex1700000000001 implements MigrationInterface {\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`CREATE INDEX \"idx_users_email\" ON \"users\" (\"email\")`);\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n",
		},
		open: "src/migrations/1700000000001-AddIndex.ts",
		rule: "require-concurrent-index-creation",
		at:   "CREATE INDEX",
		// Emacs 28 has no TypeScript mode of its own.
		noEmacs: true,
	},
}

// project writes a migration's project (a git repository, as eglot's
// project.el wants) and returns its root.
func project(t *testing.T, m migration) string {
	t.Helper()
	root := t.TempDir()
	for p, text := range m.files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("git", "init", "-q", root).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	return root
}

// where is the finding's expected position: 0-based line, and the
// column of m.at counted in bytes, characters and UTF-16 code units.
type where struct {
	line                int
	bytes, chars, utf16 int
	lineText            string
}

func expected(t *testing.T, m migration) where {
	t.Helper()
	text := m.files[m.open]
	for i, line := range strings.Split(text, "\n") {
		if b := strings.Index(line, m.at); b >= 0 {
			prefix := line[:b]
			u := 0
			for _, r := range prefix {
				u++
				if r > 0xFFFF {
					u++
				}
			}
			return where{line: i, bytes: b, chars: len([]rune(prefix)), utf16: u, lineText: line}
		}
	}
	t.Fatalf("%q is not in %s", m.at, m.open)
	return where{}
}

// editorEnv is the environment an editor runs in: schemagate first on
// the PATH, and a home and XDG directories of its own, so that neither
// the user's configuration nor their state is read or written.
func editorEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{"PATH=" + schemagateOnPath(t), "HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"), "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"TERM=dumb", "LANG=C.UTF-8"}
	return append(env, extra...)
}

// run runs an editor in dir and decodes the JSON report its harness
// wrote to $OUT.
func run(t *testing.T, dir string, env []string, report any, argv ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(slices.Clip(env), "OUT="+out)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v\n%s", argv[0], err, output.String())
		}
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not finish in 3 minutes\n%s", argv[0], output.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("%s wrote no report: %v\n%s", argv[0], err, output.String())
	}
	if err := json.Unmarshal(data, report); err != nil {
		t.Fatalf("report %s: %v", data, err)
	}
}

// nvimDiagnostic is a diagnostic as vim.diagnostic.get gives it: 0-based
// lines, byte columns.
type nvimDiagnostic struct {
	Lnum     int    `json:"lnum"`
	Col      int    `json:"col"`
	EndLnum  int    `json:"end_lnum"`
	EndCol   int    `json:"end_col"`
	Severity int    `json:"severity"`
	Code     string `json:"code"`
	Source   string `json:"source"`
}

type nvimReport struct {
	Error   string           `json:"error"`
	Before  []nvimDiagnostic `json:"before"`
	After   []nvimDiagnostic `json:"after"`
	Titles  []string         `json:"titles"`
	Text    string           `json:"text"`
	Applied bool             `json:"applied"`
	// KIsHover is true when K asked the server for hover; Hover is what
	// it answered on the finding.
	KIsHover bool   `json:"k_is_hover"`
	Hover    string `json:"hover"`
}

// nvimHarness waits for $RULE's diagnostic and records the buffer's
// diagnostics; with $ACTION, it then applies the first code action whose
// title starts with it through vim.lsp.buf.code_action (answering the
// menu Neovim shows), saves, and records the diagnostics that follow.
const nvimHarness = `
local out = { titles = {} }
local function code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""
end
local function diags()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(list, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, code = code(d), source = d.source or "" })
  end
  return list
end
local function find(rule)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if code(d) == rule or string.find(d.message, "[" .. rule .. "]", 1, true) then return d end
  end
end
local function finish()
  vim.fn.writefile({ vim.fn.json_encode(out) }, vim.env.OUT)
  vim.cmd("qa!")
end
local rule = vim.env.RULE
if not vim.wait(60000, function() return find(rule) ~= nil end, 50) then
  out.error = "no " .. rule .. " diagnostic"
  out.before = diags()
  finish()
  return
end
out.before = diags()
local d = find(rule)
vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
-- K on the finding: with the set-up it asks the server for hover.
out.hover = ""
vim.lsp.handlers["textDocument/hover"] = function(_, result)
  out.k_is_hover = true
  local c = result and result.contents
  if c then out.hover = c.value or vim.inspect(c) end
end
-- K without a mapping runs 'keywordprg' (man): made harmless, so that
-- a set-up that leaves K alone fails fast instead of waiting for man.
vim.o.keywordprg = ":echo"
pcall(vim.cmd, "normal K")
vim.wait(20000, function() return out.k_is_hover end, 50)
if (vim.env.ACTION or "") == "" then
  finish()
  return
end
vim.ui.select = function(items, _, on_choice)
  for _, item in ipairs(items) do
    table.insert(out.titles, (item[2] or item).title)
  end
  for i, item in ipairs(items) do
    if vim.startswith((item[2] or item).title, vim.env.ACTION) then
      out.applied = true
      on_choice(item, i)
      return
    end
  end
  on_choice(nil, nil)
end
vim.lsp.buf.code_action()
vim.wait(30000, function() return #out.titles > 0 end, 50)
vim.cmd("silent write")
if not vim.wait(60000, function() return find(rule) == nil end, 50) then
  out.error = "the finding stayed after the code action"
end
vim.wait(500)
out.after = diags()
out.text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
finish()
`

// nvim runs Neovim headless with init as its init.lua on the migration.
func nvim(t *testing.T, m migration, init, action string, extraEnv ...string) nvimReport {
	t.Helper()
	bin := need(t, "nvim")
	root := project(t, m)
	dir := t.TempDir()
	initPath := filepath.Join(dir, "init.lua")
	harness := filepath.Join(dir, "harness.lua")
	for p, text := range map[string]string{initPath: init, harness: nvimHarness} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := editorEnv(t, append(extraEnv, "RULE="+m.rule, "ACTION="+action)...)
	var rep nvimReport
	// Python's ftplugin would look for a Python provider, slowly.
	run(t, root, env, &rep, bin, "--headless", "-i", "NONE", "--cmd", "let g:loaded_python3_provider = 0", "-u", initPath, "-c", "luafile "+harness, m.open)
	if rep.Error != "" {
		t.Fatalf("%s: %s; diagnostics %+v", m.open, rep.Error, rep.Before)
	}
	if action == "" {
		return rep
	}
	data, err := os.ReadFile(filepath.Join(root, m.open))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Applied {
		t.Fatalf("no code action titled %q among %q", action, rep.Titles)
	}
	for _, want := range m.applied {
		if !strings.Contains(string(data), want) {
			t.Errorf("after %q the file lacks %q:\n%s", action, want, data)
		}
	}
	// Nothing as severe as the finding (or worse) took its place.
	sev := 0
	for _, d := range rep.Before {
		if d.Code == m.rule {
			sev = d.Severity
		}
	}
	for _, d := range rep.After {
		if d.Severity <= sev {
			t.Errorf("after %q: %s (severity %d) at line %d", action, d.Code, d.Severity, d.Lnum+1)
		}
	}
	return rep
}

// checkNvimPosition checks that the finding is shown where it is:
// Neovim's diagnostic columns count bytes, and the range has width.
func checkNvimPosition(t *testing.T, m migration, ds []nvimDiagnostic) {
	t.Helper()
	w := expected(t, m)
	for _, d := range ds {
		if d.Code != m.rule && !strings.Contains(d.Code, m.rule) {
			continue
		}
		if d.Lnum != w.line || d.Col != w.bytes {
			t.Errorf("%s shown at %d:%d (0-based line, byte column), want %d:%d on %q", m.rule, d.Lnum, d.Col, w.line, w.bytes, w.lineText)
		}
		if d.EndLnum == d.Lnum && d.EndCol <= d.Col {
			t.Errorf("%s has no width: %+v", m.rule, d)
		}
		return
	}
	t.Errorf("no %s among %+v", m.rule, ds)
}

// The Neovim 0.7 set-up (the built-in client, no plugin) shows the
// findings of SQL, Rails, Alembic and TypeORM migrations at their place,
// K shows hover on them, and it applies the CONCURRENTLY fix, after
// which the finding is gone and nothing as severe has come.
func TestNeovimBuiltinClient(t *testing.T) {
	init := snippet(t, "nvim-0.7")
	for _, m := range migrations {
		t.Run(m.name, func(t *testing.T) {
			rep := nvim(t, m, init, m.action)
			checkNvimPosition(t, m, rep.Before)
			// Before Neovim 0.10 K runs man unless the set-up maps it.
			if !rep.KIsHover {
				t.Errorf("K does not show hover")
			}
			if !strings.Contains(rep.Hover, m.rule) {
				t.Errorf("hover on the finding does not explain %s: %q", m.rule, rep.Hover)
			}
		})
	}
}

// nvim-lspconfig's lsp/schemagate.lua: Neovim 0.7 cannot run
// vim.lsp.enable, so the test starts a client with the table's cmd,
// filetypes, root markers and init_options, as vim.lsp.enable would.
func TestNeovimLspconfigTable(t *testing.T) {
	table := snippet(t, "nvim-lspconfig")
	dir := t.TempDir()
	path := filepath.Join(dir, "schemagate.lua")
	if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	init := `
local cfg = dofile(vim.env.LSP_TABLE)
local function root(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":p:h")
  for _, marker in ipairs(cfg.root_markers) do
    local f = vim.fn.findfile(marker, dir .. ";")
    if f ~= "" then return vim.fn.fnamemodify(f, ":p:h") end
    local d = vim.fn.finddir(marker, dir .. ";")
    if d ~= "" then return vim.fn.fnamemodify(d, ":p:h:h") end
  end
  return dir
end
vim.api.nvim_create_autocmd("FileType", {
  pattern = cfg.filetypes,
  callback = function(args)
    local id = vim.lsp.start_client({ name = "schemagate", cmd = cfg.cmd, root_dir = root(args.buf), init_options = cfg.init_options })
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
`
	for _, m := range migrations {
		t.Run(m.name, func(t *testing.T) {
			rep := nvim(t, m, init, "", "LSP_TABLE="+path)
			checkNvimPosition(t, m, rep.Before)
		})
	}
}

// Debian has no Neovim 0.11: its snippet is checked to be Lua that
// Neovim's LuaJIT compiles (the docs test checks what it names).
func TestNeovim011SnippetCompiles(t *testing.T) {
	bin := need(t, "nvim")
	dir := t.TempDir()
	path := filepath.Join(dir, "init.lua")
	if err := os.WriteFile(path, []byte(snippet(t, "nvim-0.11")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "-u", "NONE", "-i", "NONE", "-c", `lua local f, err = loadfile(vim.env.SNIPPET); if not f then io.stderr:write(err) vim.cmd("cquit 1") end`, "-c", "qa!")
	cmd.Env = editorEnv(t, "SNIPPET="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Neovim 0.11 snippet does not compile: %v\n%s", err, out)
	}
}

// efm-langserver with the docs' config under Neovim 0.7's client: the
// finding after multi-byte text lands on the right column (efm hands
// --column-unit utf-16's column to the client as the LSP character).
func TestNeovimEfmLangserver(t *testing.T) {
	need(t, "efm-langserver")
	m := migrations[0]
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(snippet(t, "efm")), 0o644); err != nil {
		t.Fatal(err)
	}
	init := `
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "sql" },
  callback = function(args)
    local id = vim.lsp.start_client({ name = "efm", cmd = { "efm-langserver", "-c", vim.env.EFM_CONFIG },
      root_dir = vim.fn.getcwd(), init_options = { documentFormatting = false } })
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
`
	rep := nvim(t, m, init, "", "EFM_CONFIG="+cfg)
	w := expected(t, m)
	for _, d := range rep.Before {
		if d.Lnum == w.line && d.Col == w.bytes {
			return
		}
	}
	t.Errorf("no finding at %d:%d (byte column of %q) among %+v", w.line, w.bytes, m.at, rep.Before)
}

// ALE with the docs' linter in Neovim 0.7 (Debian's vim-ale): the
// finding after multi-byte text lands on the right byte column.
func TestNeovimALE(t *testing.T) {
	need(t, "nvim")
	const ale = "/usr/share/vim-ale"
	if _, err := os.Stat(filepath.Join(ale, "plugin", "ale.vim")); err != nil {
		t.Skip("ALE is not installed (Debian's vim-ale; scripts/deps.sh installs it)")
	}
	m := migrations[0]
	dir := t.TempDir()
	linter := filepath.Join(dir, "ale_linters", "sql", "schemagate.vim")
	if err := os.MkdirAll(filepath.Dir(linter), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(linter, []byte(snippet(t, "ale")), 0o644); err != nil {
		t.Fatal(err)
	}
	init := `
vim.opt.runtimepath:prepend(vim.env.ALE_USER)
vim.opt.runtimepath:append(vim.env.ALE_HOME)
vim.g.ale_linters = { sql = { "schemagate" } }
vim.g.ale_lint_on_enter = 1
vim.g.ale_use_neovim_diagnostics_api = 0
vim.cmd("runtime! plugin/ale.vim")
`
	harness := `
local out = {}
local function list() return vim.fn["ale#engine#GetLoclist"](vim.fn.bufnr()) end
vim.cmd("ALELint")
vim.wait(60000, function() return #list() > 0 end, 100)
out.before = {}
for _, d in ipairs(list()) do
  table.insert(out.before, { lnum = d.lnum - 1, col = d.col - 1, end_lnum = d.lnum - 1, end_col = d.col, code = d.code or "", severity = d.type == "E" and 1 or 2 })
end
vim.fn.writefile({ vim.fn.json_encode(out) }, vim.env.OUT)
vim.cmd("qa!")
`
	bin := need(t, "nvim")
	root := project(t, m)
	initPath := filepath.Join(dir, "init.lua")
	harnessPath := filepath.Join(dir, "harness.lua")
	for p, text := range map[string]string{initPath: init, harnessPath: harness} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var rep nvimReport
	run(t, root, editorEnv(t, "ALE_USER="+dir, "ALE_HOME="+ale), &rep, bin, "--headless", "-i", "NONE", "-u", initPath, "-c", "luafile "+harnessPath, m.open)
	w := expected(t, m)
	for _, d := range rep.Before {
		if d.Code == m.rule {
			if d.Lnum != w.line || d.Col != w.bytes {
				t.Errorf("ALE shows %s at %d:%d, want %d:%d (byte column of %q)", m.rule, d.Lnum, d.Col, w.line, w.bytes, m.at)
			}
			return
		}
	}
	t.Errorf("ALE shows no %s: %+v", m.rule, rep.Before)
}

// emacsDiagnostic is a flymake diagnostic: 1-based line, 0-based column
// in characters.
type emacsDiagnostic struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_col"`
	Type    string `json:"type"`
	Text    string `json:"text"`
}

type emacsReport struct {
	Error       string            `json:"error"`
	Server      bool              `json:"server"`
	Mode        string            `json:"major_mode"`
	Diagnostics []emacsDiagnostic `json:"diagnostics"`
}

// emacsHarness opens $FILE (running its mode's hooks, as a user's Emacs
// would), lets eglot-ensure connect, waits for $RULE among the buffer's
// flymake diagnostics, and records them.
const emacsHarness = `;; -*- lexical-binding: t -*-
(require 'json)
(require 'flymake)
(defun sg-diags ()
  (mapcar (lambda (d)
            (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
              (save-excursion
                (list (cons 'line (line-number-at-pos beg))
                      (cons 'col (progn (goto-char beg) (- beg (line-beginning-position))))
                      (cons 'end_line (line-number-at-pos end))
                      (cons 'end_col (progn (goto-char end) (- end (line-beginning-position))))
                      (cons 'type (format "%s" (flymake-diagnostic-type d)))
                      (cons 'text (flymake-diagnostic-text d))))))
          (flymake-diagnostics)))
(defun sg-has (rule)
  (seq-some (lambda (d) (string-match-p (regexp-quote rule) (flymake-diagnostic-text d))) (flymake-diagnostics)))
;; flymake is started now and then, as an idle Emacs would: a backend
;; still running is not interrupted.
(defun sg-wait (pred secs)
  (let ((deadline (+ (float-time) secs)) (next 0))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (when (and (bound-and-true-p flymake-mode) (> (float-time) next))
        (flymake-start)
        (setq next (+ (float-time) 3)))
      (accept-process-output nil 0.05))
    (funcall pred)))
(let ((rule (getenv "RULE")) (out '()))
  (find-file (getenv "FILE"))
  ;; eglot-ensure connects after the command that opened the buffer.
  (run-hooks 'post-command-hook)
  (push (cons 'major_mode (symbol-name major-mode)) out)
  (unless (sg-wait (lambda () (sg-has rule)) 60)
    (push (cons 'error (concat "no " rule " diagnostic")) out))
  (push (cons 'server (if (and (fboundp 'eglot-current-server) (eglot-current-server)) t :json-false)) out)
  (push (cons 'diagnostics (vconcat (sg-diags))) out)
  (with-temp-file (getenv "OUT") (insert (json-encode out)))
  (kill-emacs 0))
`

// emacs runs Emacs in batch mode with init loaded as the user's init
// file and the harness after it.
func emacs(t *testing.T, m migration, init string) emacsReport {
	t.Helper()
	bin := need(t, "emacs")
	root := project(t, m)
	dir := t.TempDir()
	initPath := filepath.Join(dir, "init.el")
	harness := filepath.Join(dir, "harness.el")
	// Debian's elpa-* packages are activated by package.el, as in an
	// interactive Emacs before the init file.
	prelude := "(require 'package)\n(package-activate-all)\n"
	for p, text := range map[string]string{initPath: prelude + init, harness: emacsHarness} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var rep emacsReport
	run(t, root, editorEnv(t, "FILE="+m.open, "RULE="+m.rule), &rep, bin, "--batch", "-l", initPath, "-l", harness)
	if rep.Error != "" {
		t.Fatalf("%s (%s): %s; diagnostics %+v", m.open, rep.Mode, rep.Error, rep.Diagnostics)
	}
	return rep
}

// checkEmacsPosition: flymake's columns count characters.
func checkEmacsPosition(t *testing.T, m migration, ds []emacsDiagnostic) {
	t.Helper()
	w := expected(t, m)
	for _, d := range ds {
		if !strings.Contains(d.Text, m.rule) {
			continue
		}
		if d.Line != w.line+1 || d.Col != w.chars {
			t.Errorf("%s shown at %d:%d (line, character column), want %d:%d on %q", m.rule, d.Line, d.Col, w.line+1, w.chars, w.lineText)
		}
		if d.EndLine == d.Line && d.EndCol <= d.Col {
			t.Errorf("%s has no width: %+v", m.rule, d)
		}
		return
	}
	t.Errorf("no %s among %+v", m.rule, ds)
}

// Emacs 28 with Debian's eglot and the docs' set-up: the findings of a
// SQL and a Rails migration, at their place.
func TestEmacsEglot(t *testing.T) {
	init := snippet(t, "emacs-eglot")
	for _, m := range migrations {
		if m.noEmacs {
			continue
		}
		t.Run(m.name, func(t *testing.T) {
			rep := emacs(t, m, init)
			if !rep.Server {
				t.Errorf("eglot did not connect")
			}
			checkEmacsPosition(t, m, rep.Diagnostics)
		})
	}
}

// Emacs's flymake backend of the docs, without eglot, on a SQL migration.
func TestEmacsFlymake(t *testing.T) {
	m := migrations[0]
	rep := emacs(t, m, snippet(t, "emacs-flymake"))
	checkEmacsPosition(t, m, rep.Diagnostics)
}
