package lsp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
)

// Settings are what an editor may configure, in initializationOptions
// or workspace/didChangeConfiguration, either bare or under a
// "schemagate" key.
type Settings struct {
	// Config is the path of schemagate.yaml (absolute, or relative to the
	// first workspace folder); by default it is looked for upward from
	// each document.
	Config string `json:"config,omitempty"`
	// Debounce is how long, in milliseconds, to wait after an edit before
	// linting (the default is Options.Debounce).
	Debounce *int `json:"debounce,omitempty"`
	// Check turns compatibility findings from check on or off when the
	// config names the deployed revision (on by default).
	Check *bool `json:"check,omitempty"`
}

// parseSettings reads settings; null or an empty object gives zero
// Settings.
func parseSettings(raw json.RawMessage) (Settings, error) {
	var s Settings
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return s, nil
	}
	var wrapped struct {
		Schemagate *Settings `json:"schemagate"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return s, err
	}
	if wrapped.Schemagate != nil {
		return *wrapped.Schemagate, nil
	}
	err := json.Unmarshal(raw, &s)
	return s, err
}

// workspace finds and caches the schemagate.yaml of each document. A
// config is reread when its file's size or time changes, so an edit to
// it is seen on the next lint even when the editor does not report it.
type workspace struct {
	mu       sync.Mutex
	roots    []string
	settings Settings
	configs  map[string]*configEntry
	defaults map[string]*config.Config // by root, for documents without a config file
}

type configEntry struct {
	mod  time.Time
	size int64
	cfg  *config.Config
	err  error
}

func newWorkspace() *workspace {
	return &workspace{configs: map[string]*configEntry{}, defaults: map[string]*config.Config{}}
}

// root is the first workspace folder ("" when the editor gave none).
func (w *workspace) root() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.roots) > 0 {
		return w.roots[0]
	}
	return ""
}

// rootOf returns the workspace folder that holds path, or the first one.
func (w *workspace) rootOf(path string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	best := ""
	for _, r := range w.roots {
		if within(r, path) && len(r) > len(best) {
			best = r
		}
	}
	if best == "" && len(w.roots) > 0 {
		best = w.roots[0]
	}
	return best
}

// configPath returns the config file a document uses, or "".
func (w *workspace) configPath(docPath string) string {
	w.mu.Lock()
	explicit := w.settings.Config
	w.mu.Unlock()
	if explicit != "" {
		if !filepath.IsAbs(explicit) {
			explicit = filepath.Join(w.root(), explicit)
		}
		return explicit
	}
	dir := w.root()
	if docPath != "" && filepath.IsAbs(docPath) {
		dir = filepath.Dir(docPath)
	}
	if dir == "" {
		return ""
	}
	return config.Find(dir)
}

// configFor returns the config of a document and whether that config
// was (re)read from disk by this call, which means open documents must
// be linted again. A config that cannot be read gives the defaults and
// the error.
func (w *workspace) configFor(docPath string) (cfg *config.Config, path string, reloaded bool, err error) {
	path = w.configPath(docPath)
	if path == "" {
		// The same value each time, so that what was linted with it can
		// be reused.
		root := w.rootOf(docPath)
		w.mu.Lock()
		defer w.mu.Unlock()
		cfg := w.defaults[root]
		if cfg == nil {
			cfg = config.Default()
			cfg.Root = root
			w.defaults[root] = cfg
		}
		return cfg, "", false, nil
	}
	st, statErr := os.Stat(path)
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.configs[path]
	if statErr == nil && e != nil && e.mod.Equal(st.ModTime()) && e.size == st.Size() {
		return e.cfg, path, false, e.err
	}
	if statErr != nil && e != nil && e.mod.IsZero() {
		return e.cfg, path, false, e.err
	}
	ne := &configEntry{}
	if statErr == nil {
		ne.mod, ne.size = st.ModTime(), st.Size()
	}
	ne.cfg, ne.err = config.Load(path)
	if ne.err != nil {
		ne.cfg = config.Default()
		ne.cfg.Root = filepath.Dir(path)
	}
	w.configs[path] = ne
	return ne.cfg, path, e != nil, ne.err
}

// forget drops every cached config, after the settings or a config file
// changed.
func (w *workspace) forget() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.configs = map[string]*configEntry{}
	w.defaults = map[string]*config.Config{}
}

// migrationDir returns the migration directory (absolute) that holds
// path, with its configured format: one of the config's directories, or
// when it names none, one that discovery finds under the config's (or the
// workspace's) root, as lint and check find them.
func migrationDir(cfg *config.Config, root, path string) (dir string, format migration.Format, ok bool) {
	if path == "" || !filepath.IsAbs(path) {
		return "", "", false
	}
	base := cfg.Root
	if base == "" {
		base = root
	}
	type cand struct {
		dir    string
		format string
	}
	var cands []cand
	for _, m := range cfg.Migrations {
		d := m.Dir
		if !filepath.IsAbs(d) {
			if base == "" {
				continue
			}
			d = filepath.Join(base, d)
		}
		cands = append(cands, cand{d, m.Format})
	}
	if len(cfg.Migrations) == 0 && base != "" {
		for _, d := range discovered.dirs(base, cfg.Exclude) {
			cands = append(cands, cand{filepath.Join(base, filepath.FromSlash(d)), ""})
		}
		// A document in a directory discovery cannot see yet (not saved
		// yet, the first of a new directory) where migrations usually are.
		for _, d := range usualDirs {
			cands = append(cands, cand{filepath.Join(base, d), ""})
		}
	}
	for _, c := range cands {
		if within(c.dir, path) && c.dir != path && len(c.dir) > len(dir) {
			dir = c.dir
			f, err := migration.ParseFormat(c.format)
			if err != nil {
				f = migration.FormatAuto
			}
			format = f
		}
	}
	return dir, format, dir != ""
}

// usualDirs are where migrations usually are.
var usualDirs = []string{"db/migrations", "db/migrate", "migrations", "prisma/migrations", "sql/migrations", "db/post_migrate"}

// discovered keeps the migration directories discovery found under each
// root until a file below it is created, saved or deleted.
var discovered = &dirCache{byRoot: map[string][]string{}}

type dirCache struct {
	mu     sync.Mutex
	byRoot map[string][]string
}

// dirs are the migration directories below root, relative to it.
func (c *dirCache) dirs(root string, exclude []string) []string {
	key := root + "\x00" + strings.Join(exclude, "\x00")
	c.mu.Lock()
	ds, ok := c.byRoot[key]
	c.mu.Unlock()
	if ok {
		return ds
	}
	ds = []string{}
	for _, d := range migrations.Find(safefs.Dir(root), ".", exclude) {
		if d.Path != "." { // a project read from its root (Alembic): its files are not all migrations
			ds = append(ds, d.Path)
		}
	}
	c.mu.Lock()
	c.byRoot[key] = ds
	c.mu.Unlock()
	return ds
}

// forget drops what it knows of the roots where paths may change what
// discovery finds (all roots with none): a file deleted, or a file named
// like a migration outside the directories found so far. A save of a
// known migration changes nothing.
func (c *dirCache) forget(paths []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(paths) == 0 {
		c.byRoot = map[string][]string{}
		return
	}
	for key, dirs := range c.byRoot {
		root, _, _ := strings.Cut(key, "\x00")
		for _, p := range paths {
			if within(root, p) && changesDiscovery(root, dirs, p) {
				delete(c.byRoot, key)
				break
			}
		}
	}
}

func changesDiscovery(root string, dirs []string, p string) bool {
	if _, err := os.Stat(p); err != nil {
		return true
	}
	for _, d := range dirs {
		if within(filepath.Join(root, filepath.FromSlash(d)), p) {
			return false
		}
	}
	return migration.LeadingDigits(filepath.Base(p)) != "" || strings.HasPrefix(filepath.Base(p), "V")
}

// within reports whether path is dir or inside it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
