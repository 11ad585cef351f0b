package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lintcache"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// lintMemo is a lint of directories whose report lintcache keeps as
// printed (a lintcache.Memo): a repeat run over directories whose every
// entry is as it was prints it again without reading a migration.
type lintMemo struct {
	store   *lintcache.Store
	key     string
	dirs    []string
	tree    lintcache.Tree
	started time.Time
	out     capped
	errOut  bool // the run wrote to standard error: not kept
}

// maxMemo bounds the report a memo keeps.
const maxMemo = 64 << 20

// newLintMemo returns the memo of a lint of the directories dirs, nil
// when not every path is a directory tree lintcache.StatTree can stand
// for.
func newLintMemo(cmd *cobra.Command, stdio IO, store *lintcache.Store, cfg *config.Config, dirs []string) *lintMemo {
	started := time.Now()
	tree, ok := lintcache.StatTree(dirs)
	if !ok {
		return nil
	}
	// Colour depends on whether the output is a terminal.
	key := memoKey(cmd.Flags(), cfg, dirs, isTerminal(stdio.Out), isTerminal(stdio.Err))
	if key == "" {
		return nil
	}
	return &lintMemo{store: store, key: key, dirs: dirs, tree: tree, started: started}
}

// memoKey names everything a lint's report depends on besides the
// directories' contents and the tool (the store's part of the key): the
// working directory, every flag, the environment, which outputs are
// terminals and the configuration as loaded, with what
// strong_migrations' initializer set.
func memoKey(flags *pflag.FlagSet, cfg *config.Config, dirs []string, terminals ...bool) string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	c, err := json.Marshal(cfg)
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "schemagate lint memo v1\x00%q\x00%q\x00%v\x00", wd, dirs, terminals)
	flags.VisitAll(func(f *pflag.Flag) { fmt.Fprintf(h, "%q=%q\x00", f.Name, f.Value.String()) })
	// All of the environment but a shell's bookkeeping (the command's
	// path, the directories), which differ between identical runs.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "_" || name == "PWD" || name == "OLDPWD" || name == "SHLVL"
	})
	slices.Sort(env)
	fmt.Fprintf(h, "%q\x00%s\x00%v %d %q\x00", env, c, cfg.LockTimeoutSet, cfg.PGVersion, cfg.StartAfter)
	return hex.EncodeToString(h.Sum(nil))
}

// recall writes the kept report to w and returns its exit code.
func (m *lintMemo) recall(w io.Writer) (code int, ok bool, err error) {
	return m.store.Recall(m.key, m.tree, w)
}

// tee has what the run prints recorded. The writers unwrap to the
// run's, for isTerminal.
func (m *lintMemo) tee(stdio IO) IO {
	m.out.max = maxMemo
	stdio.Out = &teeWriter{w: stdio.Out, copy: &m.out}
	stdio.Err = &noticeWriter{w: stdio.Err, wrote: &m.errOut}
	return stdio
}

// teeWriter writes to w and copy.
type teeWriter struct {
	w    io.Writer
	copy *capped
}

func (t *teeWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	_, _ = t.copy.Write(p[:n])
	return n, err
}

func (t *teeWriter) Unwrap() io.Writer { return t.w }

// keep keeps the report of a run that exited with code, when the
// migrations it read depend on nothing outside the directories (no
// framework's translation, no sqitch plan above them).
func (m *lintMemo) keep(loaded *migrations.Loaded, code int) {
	if m.errOut || m.out.over {
		return
	}
	for _, u := range loaded.Migrations {
		if u.Framework || u.Format == migration.FormatSqitch {
			return
		}
	}
	after, ok := lintcache.StatTree(m.dirs)
	if !ok {
		return
	}
	m.store.Keep(m.key, m.tree, after, m.started, lintcache.Memo{Out: m.out.buf.Bytes(), Code: code})
}

// capped records up to max bytes, then gives up.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if !c.over {
		if c.buf.Len()+len(p) > c.max {
			c.over = true
			c.buf = bytes.Buffer{}
		} else {
			c.buf.Write(p)
		}
	}
	return len(p), nil
}

// noticeWriter notes that something was written.
type noticeWriter struct {
	w     io.Writer
	wrote *bool
}

func (n *noticeWriter) Write(p []byte) (int, error) {
	*n.wrote = true
	return n.w.Write(p)
}

func (n *noticeWriter) Unwrap() io.Writer { return n.w }
