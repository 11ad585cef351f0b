// Package migrations is the one way in to a project's migrations, for
// every command: it finds the migration directories of a tree, reads
// each in its format (SQL tools' layouts, or Rails, Django and Alembic
// code, which it translates), orders them and hands back one
// migration.Migration per migration, with its operations, notes and SQL.
package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// DefaultDirs are the migration directories looked for when none are
// configured.
var DefaultDirs = []string{"db/migrations", "db/migrate", "migrations", "prisma/migrations", "sql/migrations", "db/post_migrate"}

// Config says where a tree's migrations are and how to read them.
type Config struct {
	// Dirs are the migration directories, relative to the tree's root;
	// none: DefaultDirs that exist, else a framework project at the root.
	Dirs        []config.MigrationDir
	Format      migration.Format // forced for every directory (FormatAuto: per directory)
	IncludeDown bool
	MaxFileSize int64
	PGVersion   int
	// Base is the schema before the first migration (a schema dump), for
	// translators that resolve names against it.
	Base *catalog.Catalog
}

// Dir is one migration directory that was read.
type Dir struct {
	Path       string
	Format     migration.Format
	Count      int  // migrations read from it
	PostDeploy bool // configured to run after the deploy
}

// Result is a tree's migrations.
type Result struct {
	// Migrations are every migration, in apply order directory by
	// directory, framework ones translated.
	Migrations []*migration.Migration
	Dirs       []Dir
	// Skipped are files that looked like migrations but were not used,
	// with paths from the tree's root.
	Skipped []migration.Skipped
}

// Load reads the migrations of a tree. Framework migrations are
// translated, all of a framework's directories together. The error is
// for a configured directory that cannot be read at all.
func Load(fsys fs.FS, cfg Config) (*Result, error) {
	dirs := cfg.Dirs
	if len(dirs) == 0 {
		for _, d := range DefaultDirs {
			if isDir(fsys, d) {
				dirs = append(dirs, config.MigrationDir{Dir: d})
			}
		}
	}
	if len(dirs) == 0 && detectFramework(fsys, ".", cfg.Format) != nil {
		// Django keeps migrations per app (<app>/migrations), Alembic
		// where alembic.ini says: the project root is the directory.
		dirs = append(dirs, config.MigrationDir{Dir: "."})
	}
	res := &Result{}
	var sets []*dirSet
	for _, d := range dirs {
		if !isDir(fsys, d.Dir) {
			continue
		}
		opt := migration.Options{Format: cfg.Format, IncludeDown: cfg.IncludeDown, MaxFileSize: cfg.MaxFileSize}
		set, err := readDir(fsys, d.Dir, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Dir, err)
		}
		set.postDeploy = d.PostDeploy
		for _, s := range set.Skipped {
			res.Skipped = append(res.Skipped, migration.Skipped{Path: under(d.Dir, s.Path), Reason: s.Reason})
		}
		for _, m := range set.Migrations {
			p := under(d.Dir, m.Path)
			m.Path, m.File.Path = p, p
		}
		sets = append(sets, set)
		res.Dirs = append(res.Dirs, Dir{Path: d.Dir, Format: set.Format, Count: len(set.Migrations), PostDeploy: d.PostDeploy})
	}
	translate(sets, migration.TranslateOptions{PGVersion: cfg.PGVersion, Catalog: cfg.Base})
	for _, set := range sets {
		res.Migrations = append(res.Migrations, set.Migrations...)
	}
	return res, nil
}

// under joins a path found in dir to dir, unless the reader already gave
// it from the root (frameworks do).
func under(dir, p string) string {
	if dir == "." || strings.HasPrefix(p, dir+"/") {
		return p
	}
	return path.Join(dir, p)
}

func isDir(fsys fs.FS, p string) bool {
	st, err := fs.Stat(fsys, p)
	return err == nil && st.IsDir()
}
