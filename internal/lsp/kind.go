package lsp

import (
	"path/filepath"
	"strings"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// sqlLanguages are the languageIds editors give SQL buffers.
var sqlLanguages = map[string]bool{"sql": true, "pgsql": true, "postgres": true, "postgresql": true, "plpgsql": true, "psql": true}

// codeExts are the extensions of migrations written in a programming
// language: Rails (Ruby), Django and Alembic (Python), and migrations in
// Go, TypeScript and JavaScript.
var codeExts = map[string]bool{
	".rb": true, ".py": true, ".go": true,
	".ts": true, ".js": true, ".mjs": true, ".cjs": true, ".mts": true, ".cts": true,
}

// frameworkDirs are the directory names Rails, Django and Alembic keep
// their migrations in.
var frameworkDirs = map[string]bool{"migrate": true, "post_migrate": true, "migrations": true, "versions": true}

// isMigration decides, per path, whether a document is a migration
// schemagate reads: a .sql file or a buffer the editor says is SQL; a
// file of a migration directory whose configured format is written in
// code; a Ruby or Python file in a migration directory (configured, or
// named like Rails', Django's and Alembic's) that reads as a Rails,
// Django or Alembic migration; a Go, TypeScript or JavaScript file that
// reads as a migration (goose.AddMigration, a MigrationInterface class,
// exports.up, ...). Anything else in those languages is application code
// that the server leaves alone, as lint does.
func isMigration(cfg *config.Config, root, path, languageID string, text []byte) bool {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".sql" || sqlLanguages[strings.ToLower(languageID)] {
		return true
	}
	if !codeExts[ext] {
		return false
	}
	if _, format, ok := migrationDir(cfg, root, path); ok && format.IsFramework() {
		return true
	}
	if ext == ".rb" || ext == ".py" {
		_, _, inDir := migrationDir(cfg, root, path)
		if !inDir && !frameworkDirs[filepath.Base(filepath.Dir(path))] {
			return false
		}
	}
	return migrations.FrameworkOfFile(path, text) != migration.FormatAuto
}
