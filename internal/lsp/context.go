package lsp

import (
	"path/filepath"
	"testing/fstest"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
)

// djangoInContext translates a Django migration the way `schemagate lint
// FILE` does: with the other migrations of its directory, whose model
// state names the tables it changes (AddIndex on "user" is an index on
// app_user), the buffer's text standing for the file. It returns the
// document's migration and the schema the migrations before it build, or
// nil when the document is not among the directory's migrations (not
// saved yet, not named like one). Other frameworks read a file on its own
// well enough, and their directories can hold thousands of files.
func djangoInContext(in Input, m *migration.Migration) (*migration.Migration, *catalog.Catalog) {
	if !in.OnDisk || m.Format != migration.FormatDjango {
		return nil, nil
	}
	dir, name := filepath.Split(in.Path)
	overlay := &overlayFS{base: safefs.Within(dir), name: name, file: fstest.MapFS{name: &fstest.MapFile{Data: in.Text, Mode: 0o644}}}
	res, err := migrations.Load(overlay, migrations.Config{
		Dirs:        []config.MigrationDir{{Dir: ".", Format: string(migration.FormatDjango)}},
		MaxFileSize: in.Config.MaxFileSize,
		PGVersion:   in.Config.PGVersion,
	})
	if err != nil {
		return nil, nil
	}
	cat := catalog.New()
	for _, c := range res.Migrations {
		if c.Path != name {
			cat.Order++
			cat.ApplyAll(c.Ops, c.Path)
			continue
		}
		p := displayPath(in)
		c.Path, c.File.Path = p, p
		return c, cat
	}
	return nil, nil
}
