package django

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// maxDepth bounds how deep Detect and Discover look for app directories
// below the scanned one.
const maxDepth = 8

// skipDirs are directories that hold no project apps: virtualenvs and
// tool caches carry third-party apps' migrations, which are not ours.
var skipDirs = map[string]bool{
	"node_modules": true, "site-packages": true, "dist-packages": true, "__pycache__": true,
	"venv": true, "virtualenv": true, "htmlcov": true,
}

// assetDirs usually hold files, not apps, and are not walked; but an
// app may carry one of these names (an app called "media"), so one that
// holds a migrations directory of its own is read like any other.
var assetDirs = map[string]bool{
	"env": true, "static": true, "staticfiles": true, "templates": true, "media": true,
}

var migrationClassRe = regexp.MustCompile(`(?m)^class\s+\w+\s*\(\s*[\w.]*Migration\s*\)\s*:`)

// migrationDirs returns every directory named "migrations" at or below
// dir (dir itself included when it is one), sorted.
func migrationDirs(fsys fs.FS, dir string) []string {
	var out []string
	var walk func(d string, depth int)
	walk = func(d string, depth int) {
		entries, err := fs.ReadDir(fsys, d)
		if err != nil {
			return
		}
		if path.Base(d) == "migrations" || (depth == 0 && hasMigrationFiles(entries)) {
			out = append(out, d)
		}
		if depth >= maxDepth {
			return
		}
		for _, e := range entries {
			name := e.Name()
			if !e.IsDir() || strings.HasPrefix(name, ".") || skipDirs[name] {
				continue
			}
			if assetDirs[name] && !isDir(fsys, path.Join(d, name, "migrations")) {
				continue
			}
			if e.Type()&fs.ModeSymlink != 0 {
				continue
			}
			if _, err := fs.Stat(fsys, path.Join(d, name, "pyvenv.cfg")); err == nil {
				continue // a virtualenv under another name
			}
			walk(path.Join(d, name), depth+1)
		}
	}
	walk(dir, 0)
	sort.Strings(out)
	return out
}

// hasMigrationFiles reports whether a listing has NNNN_*.py files: the
// scanned directory may be one app's migrations package under another
// name.
func hasMigrationFiles(entries []fs.DirEntry) bool {
	for _, e := range entries {
		if !e.IsDir() && numberedName.MatchString(e.Name()) {
			return true
		}
	}
	return false
}

var numberedName = regexp.MustCompile(`^[0-9]{4}_\w*\.py$`)

// migrationFiles lists the modules of a migrations package as Django's
// loader does: every .py file whose name does not start with _ or ~.
func migrationFiles(fsys fs.FS, dir string) []string {
	return migration.Files(fsys, dir, func(n string) bool {
		return strings.HasSuffix(n, ".py") && !strings.HasPrefix(n, "_") && !strings.HasPrefix(n, "~")
	})
}

// Detect reports whether dir (a project root, an apps directory or one
// app's migrations directory) holds Django migrations: a file in a
// migrations package that declares `class Migration(migrations.Migration)`.
func (d *Django) Detect(fsys fs.FS, dir string) bool {
	dir = path.Clean(dir)
	for _, md := range migrationDirs(fsys, dir) {
		for _, name := range migrationFiles(fsys, md) {
			if text := migration.ReadHead(fsys, path.Join(md, name), migration.DefaultMaxFileSize); migrationClassRe.Match(text) {
				return true
			}
		}
	}
	return false
}

// found is one migration file read during discovery.
type found struct {
	m     *migration.Migration
	app   string
	name  string // Django's migration name: the module name
	class migrationClass
	deps  []dependency
	// replaced names the squashed migration that replaces this one when
	// the squash is used instead.
	replacedBy string
}

func (f *found) key() nodeKey { return nodeKey{f.app, f.name} }

// Discover finds every app's migrations below dir and orders them as
// `manage.py migrate` applies them: by the dependency graph across apps
// (dependencies, run_before, __first__/__latest__), visiting the leaf
// migrations in (app, name) order as Django's executor does.
//
// Squashed migrations: when every migration a squash replaces is still
// on disk, the originals are kept and ordered (a deployed database has
// run them, or runs them now; Django records the squash as applied with
// them), and the squash is kept in the set at the position of its last
// original, translated to a note without operations. When some are
// gone, the squash is used and the remaining originals are Skipped.
func (d *Django) Discover(fsys fs.FS, dir string, opt migration.Options) (*migration.Set, error) {
	dir = path.Clean(dir)
	if !fs.ValidPath(dir) {
		return nil, fmt.Errorf("migrations directory %q: not a valid path (slash-separated, relative, no ..)", dir)
	}
	st, err := fs.Stat(fsys, dir)
	switch {
	case err != nil && strings.Contains(err.Error(), "not exist"):
		return nil, fmt.Errorf("migrations directory %s does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("migrations directory %s: %w", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("migrations directory %s is not a directory", dir)
	}
	limit := opt.MaxFileSize
	if limit <= 0 {
		limit = migration.DefaultMaxFileSize
	}
	set := &migration.Set{Dir: dir, Format: migration.FormatDjango}
	var all []*found
	for _, md := range migrationDirs(fsys, dir) {
		label := appLabel(fsys, md)
		var here []*found
		for _, name := range migrationFiles(fsys, md) {
			p := path.Join(md, name)
			text, err := safefs.ReadFile(fsys, p, limit)
			switch {
			case safefs.SkipReason(err) != "":
				set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: safefs.SkipReason(err)})
				continue
			case errors.Is(err, safefs.ErrTooLarge):
				set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: fmt.Sprintf("larger than %d bytes", limit)})
				continue
			case err != nil:
				set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: "cannot read: " + err.Error()})
				continue
			}
			if reason := migration.TextProblem(text); reason != "" {
				set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: reason})
				continue
			}
			mod := parsePythonIn(d.Trees, text)
			mc := mod.readMigration()
			if !mc.found {
				if len(mod.errors) == 0 {
					set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: "no Migration class (Django refuses to load it)"})
					continue
				}
			}
			stemName := strings.TrimSuffix(name, ".py")
			m := &migration.Migration{
				Path: p, File: source.NewFile(p, text), Format: migration.FormatDjango,
				Name: descriptiveName(stemName), Transactional: true,
			}
			if b, ok := mc.atomic.truthy(); ok {
				m.Transactional = b
			}
			here = append(here, &found{m: m, name: stemName, class: mc})
		}
		if label == "" {
			label = inferLabel(here)
		}
		for _, f := range here {
			f.app = label
			f.m.Version = label + "." + f.name
		}
		all = append(all, here...)
	}
	user := d.userModel(all)
	for _, f := range all {
		deps, bad := pairs(f.class.dependencies, user)
		f.deps = deps
		for _, b := range bad {
			msg := "dependency is not an (app_label, migration_name) pair: Django cannot resolve it"
			if b == f.class.dependencies {
				// allauth's `[...] if app_settings.SITES_ENABLED else [] + [...]`:
				// Django evaluates it; schemagate cannot.
				msg = "dependencies is an expression schemagate cannot read: the migration is ordered without them"
			}
			f.m.Problems = append(f.m.Problems, migration.Problem{Span: f.m.File.Span(b.start, b.end), Message: msg})
		}
	}
	ordered, skipped := orderMigrations(all)
	set.Skipped = append(set.Skipped, skipped...)
	for i, f := range ordered {
		f.m.Order = i
		set.Migrations = append(set.Migrations, f.m)
	}
	return set, nil
}

// descriptiveName is the migration name without its number:
// "0002_order_coupon" -> "order_coupon".
func descriptiveName(stem string) string {
	i := 0
	for i < len(stem) && stem[i] >= '0' && stem[i] <= '9' {
		i++
	}
	if i == 0 || i == len(stem) {
		return stem
	}
	return strings.TrimLeft(stem[i:], "_")
}

var labelRe = regexp.MustCompile(`(?m)^\s+label\s*=\s*["']([A-Za-z_][A-Za-z0-9_]*)["']`)

// appLabel is the label of the app owning a migrations directory: the
// AppConfig's `label` in apps.py when it sets one, else the app
// package's name. "" when the directory's parent is unknown.
func appLabel(fsys fs.FS, migrationsDir string) string {
	appDir := path.Dir(migrationsDir)
	if path.Base(migrationsDir) != "migrations" {
		appDir = migrationsDir
	}
	if text := migration.ReadHead(fsys, path.Join(appDir, "apps.py"), 1<<16); text != nil {
		if m := labelRe.FindSubmatch(text); m != nil {
			return string(m[1])
		}
	}
	if appDir == "." || appDir == "" {
		return ""
	}
	return path.Base(appDir)
}

// inferLabel finds an app's label from its migrations' dependencies on
// each other, for a migrations directory scanned on its own: the app
// most dependencies on a migration of the directory name. One vote is not
// enough to win against more: taggit's 0001_initial depends on
// contenttypes' 0001_initial, which shares a name with its own.
func inferLabel(here []*found) string {
	names := map[string]bool{}
	for _, f := range here {
		names[f.name] = true
	}
	votes := map[string]int{}
	best := ""
	for _, f := range here {
		deps, _ := pairs(f.class.dependencies, "auth.User")
		for _, dep := range deps {
			if !names[dep.name] {
				continue
			}
			votes[dep.app]++
			if n := votes[dep.app]; best == "" || n > votes[best] || n == votes[best] && dep.app < best {
				best = dep.app
			}
		}
	}
	if best == "" {
		return "app"
	}
	return best
}

func isDir(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.IsDir()
}
