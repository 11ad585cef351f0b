package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/alembic"
	"github.com/schemagate/schemagate/internal/migrations/code"
	"github.com/schemagate/schemagate/internal/migrations/django"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/rails"
	"github.com/schemagate/schemagate/internal/refs/scan"
)

// How a directory was found, as runs report it.
const (
	FoundConfigured = "configured"
	FoundDiscovered = "discovered"
)

// Searched says, in one phrase, where discovery looks and for what; no
// migrations messages quote it.
const Searched = "every directory below it (skipping vendor/, node_modules/, hidden directories, tests and fixtures, and exclude: paths) " +
	"for numbered .sql files (plain, golang-migrate, goose, dbmate, Flyway), Prisma and sqitch projects, Rails db/migrate and db/post_migrate, " +
	"Django <app>/migrations and Alembic alembic.ini"

// FixHint is the schemagate.yaml lines that name a migration directory
// (the first %s) and its format (the second).
const FixHint = "name it in schemagate.yaml: migrations: [{dir: %s, format: %s}]"

// Candidate is a directory discovery considered and did not read, and why.
type Candidate struct {
	Dir    string `json:"dir"`
	Reason string `json:"reason"`
}

// skipNames are directories discovery never enters: other projects'
// code, tests and their fixtures, virtualenvs and build output.
var skipNames = map[string]string{
	"vendor": "vendored code", "node_modules": "dependencies", "bower_components": "dependencies",
	"site-packages": "dependencies", "dist-packages": "dependencies", "__pycache__": "Python cache",
	"venv": "a virtualenv", "virtualenv": "a virtualenv",
	"testdata": "test fixtures", "fixtures": "test fixtures", "__fixtures__": "test fixtures",
	"test": "tests", "tests": "tests", "spec": "tests", "__tests__": "tests",
	"dist": "build output", "target": "build output",
}

// migrationDirNames are directory names that say "migrations": there a
// .sql file of any name is a migration, and numbered files nothing reads
// are a directory schemagate must not pass over silently.
var migrationDirNames = map[string]bool{"migrations": true, "migration": true, "migrate": true, "post_migrate": true}

// numberedCode is a source file named like a migration of a tool that
// writes them as code (Knex, TypeORM, Sequelize, Ecto, goose Go, ...).
var numberedCode = regexp.MustCompile(`^(V)?[0-9]{1,}[_.-][^/]*\.(js|mjs|cjs|ts|go|ex|exs|php|java|kt|cs|rb|py)$`)

// discovery is one walk of a tree for migration directories.
type discovery struct {
	fsys    fs.FS
	exclude []string
	found   []foundDir
	// django are the app migrations directories, read as one project.
	django   []string
	rejected []Candidate
	// unread are directories that look like migrations but hold nothing
	// schemagate can read: a run that passed over them would be blind.
	unread []Candidate
}

// foundDir is a migration directory discovery took.
type foundDir struct {
	dir        string
	format     migration.Format    // to read it in (FormatAuto: detect)
	framework  migration.Framework // nil for SQL formats
	how        string
	postDeploy bool
}

// discover walks fsys below root for migration directories, in path
// order. Excluded directories (scan.Match patterns) are not entered.
func discover(fsys fs.FS, root string, exclude []string) *discovery {
	d := &discovery{fsys: fsys, exclude: exclude}
	d.walk(path.Clean(root))
	if len(d.django) > 0 {
		d.found = append(d.found, foundDir{dir: djangoRoot(d.django), framework: django.New(), how: FoundDiscovered + ": Django app migrations"})
	}
	sort.SliceStable(d.found, func(i, j int) bool { return d.found[i].dir < d.found[j].dir })
	return d
}

func (d *discovery) excluded(p string) string {
	for _, pat := range d.exclude {
		if scan.Match(pat, p, true) {
			return pat
		}
	}
	return ""
}

func (d *discovery) reject(dir, format string, args ...any) {
	d.rejected = append(d.rejected, Candidate{Dir: dir, Reason: fmt.Sprintf(format, args...)})
}

func (d *discovery) walk(dir string) {
	entries, err := fs.ReadDir(d.fsys, dir)
	if err != nil {
		d.reject(dir, "cannot list it: %s", describeErr(err))
		return
	}
	l := listing{dir: dir}
	for _, e := range entries {
		switch {
		case e.IsDir():
			l.dirs = append(l.dirs, e.Name())
		case e.Type()&fs.ModeSymlink != 0:
			// Links are not followed: a migration directory is in the tree.
		default:
			l.files = append(l.files, e.Name())
		}
	}
	sort.Strings(l.files)
	sort.Strings(l.dirs)
	if l.has("pyvenv.cfg") {
		d.reject(dir, "skipped: a virtualenv")
		return
	}
	if d.classify(l) {
		return
	}
	for _, name := range l.dirs {
		sub := path.Join(dir, name)
		switch {
		case strings.HasPrefix(name, "."):
			continue
		case skipNames[name] != "":
			d.reject(sub, "skipped: %s", skipNames[name])
			continue
		case d.excluded(sub) != "":
			d.reject(sub, "skipped: exclude: %s", d.excluded(sub))
			continue
		}
		d.walk(sub)
	}
}

// classify decides what one directory is. It returns true when the
// directory is a migration directory whose reader reads below it, so the
// walk does not go on into it.
func (d *discovery) classify(l listing) bool {
	dir, base := l.dir, path.Base(l.dir)
	parent := path.Base(path.Dir(l.dir))
	if l.has("alembic.ini") || l.has("pyproject.toml") && strings.Contains(string(migration.ReadHead(d.fsys, path.Join(dir, "pyproject.toml"), 1<<20)), "[tool.alembic") {
		if alembic.New().Detect(d.fsys, dir) {
			d.found = append(d.found, foundDir{dir: dir, framework: alembic.New(), how: FoundDiscovered + ": alembic.ini"})
		} else {
			d.unread = append(d.unread, Candidate{dir, "an Alembic configuration whose script_location holds no versions/ directory of revision files"})
		}
	}
	if (base == "migrate" || base == "post_migrate") && parent == "db" && numbered(l.files, ".rb") > 0 {
		if rails.New().Detect(d.fsys, dir) {
			f := foundDir{dir: dir, framework: rails.New(), how: FoundDiscovered + ": Rails db/" + base}
			if base == "post_migrate" {
				f.postDeploy = true
				f.how += " (post-deployment migrations by convention: checked against the new release)"
			}
			d.found = append(d.found, f)
		} else {
			d.unread = append(d.unread, Candidate{dir, fmt.Sprintf("%d numbered .rb files, none defining an ActiveRecord::Migration class", numbered(l.files, ".rb"))})
		}
		return true
	}
	if _, ok := findSqitch(d.fsys, l); ok && (l.has("sqitch.plan") || l.has("sqitch.conf")) {
		d.found = append(d.found, foundDir{dir: dir, how: FoundDiscovered + ": sqitch.plan"})
		return true
	}
	if l.has("migration_lock.toml") || prismaDirs(d.fsys, l) > 0 {
		d.found = append(d.found, foundDir{dir: dir, how: FoundDiscovered + ": Prisma migrations"})
		return true
	}
	if base == "migrations" && numberedDjango(l.files) > 0 {
		if django.New().Detect(d.fsys, dir) {
			d.django = append(d.django, dir)
		} else {
			d.unread = append(d.unread, Candidate{dir, fmt.Sprintf("%d numbered .py files, none defining a Django Migration class", numberedDjango(l.files))})
		}
		return false
	}
	// Migrations written in code (goose Go, Go lists and versioned files,
	// TypeORM, Sequelize, node-pg-migrate, Knex): where a file is named
	// like one, or a migrations directory holds code.
	if codeCandidate(base, l.files) {
		for _, fw := range code.All() {
			if fw.Detect(d.fsys, dir) {
				d.found = append(d.found, foundDir{dir: dir, framework: fw, how: FoundDiscovered + ": " + string(fw.Format()) + " migrations"})
				return true
			}
		}
	}
	if sqls := l.sqlFiles(); len(sqls) > 0 {
		n := 0
		for _, name := range sqls {
			if looksVersioned(name) {
				n++
			}
		}
		switch {
		case migrationDirNames[base] || 2*n >= len(sqls) && n > 0:
			how := FoundDiscovered + ": numbered .sql files"
			if n == 0 {
				how = FoundDiscovered + ": .sql files in a " + base + "/ directory"
			}
			d.found = append(d.found, foundDir{dir: dir, how: how})
			return true
		case n > 0:
			d.reject(dir, "%d of %d .sql files named like migrations: too few for a migration directory", n, len(sqls))
		default:
			d.reject(dir, "%d .sql files, none named like a migration (a leading version number)", len(sqls))
		}
		return false
	}
	if migrationDirNames[base] {
		if flywayBelow(d.fsys, dir) {
			d.found = append(d.found, foundDir{dir: dir, how: FoundDiscovered + ": Flyway migrations in subdirectories"})
			return true
		}
		if n, ext := numberedCodeFiles(l.files); n > 0 {
			d.unread = append(d.unread, Candidate{dir, fmt.Sprintf("%d numbered %s files: migrations in a language schemagate does not read", n, ext)})
		}
	}
	return false
}

// codeCandidate reports whether a directory may hold migrations written
// in code: a code file named like a migration (numbered, versioned, or
// "migrations.go"), or any code file in a migrations directory. Only
// those are read to tell.
func codeCandidate(base string, files []string) bool {
	for _, f := range files {
		ext := path.Ext(f)
		if !codeExts[ext] {
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(f, ext))
		if migrationDirNames[base] || numberedCode.MatchString(f) || strings.Contains(name, "migrat") {
			return true
		}
	}
	return false
}

var codeExts = map[string]bool{".go": true, ".ts": true, ".js": true, ".mjs": true, ".cjs": true, ".mts": true, ".cts": true}

// looksVersioned reports whether a .sql file is named like a migration:
// a leading version number, or Flyway's V/U/R prefixes.
func looksVersioned(name string) bool {
	if migration.LeadingDigits(name) != "" {
		return true
	}
	_, _, _, ok := flywayParts(name)
	return ok
}

func numbered(files []string, ext string) int {
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ext) && migration.LeadingDigits(f) != "" {
			n++
		}
	}
	return n
}

var djangoName = regexp.MustCompile(`^[0-9]{4}_\w*\.py$`)

func numberedDjango(files []string) int {
	n := 0
	for _, f := range files {
		if djangoName.MatchString(f) {
			n++
		}
	}
	return n
}

// numberedCodeFiles counts files named like migrations written as code,
// and names the most common extension.
func numberedCodeFiles(files []string) (int, string) {
	counts := map[string]int{}
	n, best := 0, ""
	for _, f := range files {
		if m := numberedCode.FindStringSubmatch(f); m != nil {
			n++
			counts["."+m[2]]++
			if counts["."+m[2]] > counts[best] {
				best = "." + m[2]
			}
		}
	}
	return n, best
}

// djangoRoot is the directory Django's discovery starts from: the
// deepest one holding every app that has migrations.
func djangoRoot(dirs []string) string {
	root := path.Dir(path.Dir(dirs[0]))
	for _, d := range dirs[1:] {
		app := path.Dir(path.Dir(d))
		for root != "." && app != root && !strings.HasPrefix(app, root+"/") {
			root = path.Dir(root)
		}
	}
	return root
}
