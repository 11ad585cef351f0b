package migration

import (
	"fmt"
	"io/fs"
	"strings"
)

// Options control how migration files are found and read.
type Options struct {
	Format      Format // FormatAuto: detect per directory
	IncludeDown bool   // golang-migrate .down.sql, Flyway U files, goose/dbmate Down sections
	MaxFileSize int64  // DefaultMaxFileSize when 0; larger files are Skipped, not read whole
	// SQL is the loader's reader of SQL migration formats, for frameworks
	// whose directories hold SQL migrations too (goose's Go and SQL files
	// share one version order); the loader sets it.
	SQL func(fsys fs.FS, dir string, opt Options) (*Set, error)
}

// MaxSize is the largest file read.
func (o Options) MaxSize() int64 { return Limit(o.MaxFileSize) }

// Skipped is a file that looked like a migration but could not be used.
type Skipped struct {
	Path   string
	Reason string // "binary file", "empty file", "larger than 8 MiB", ...
}

// Set is the migrations found in one directory, in apply order.
type Set struct {
	Dir        string
	Format     Format
	Migrations []*Migration
	Skipped    []Skipped
}

// Formats lists every concrete format, in the order names are shown.
var Formats = []Format{
	FormatSQL, FormatGolangMigrate, FormatGoose, FormatDbmate,
	FormatFlyway, FormatPrisma, FormatSqitch,
	FormatRails, FormatDjango, FormatAlembic,
	FormatGooseGo, FormatGoList, FormatGoVersioned,
	FormatTypeORM, FormatNodePgMigrate, FormatKnex, FormatSequelize,
}

// formatAliases are other spellings accepted by ParseFormat.
var formatAliases = map[string]Format{
	"auto":           FormatAuto,
	"plain":          FormatSQL,
	"psql":           FormatSQL,
	"migrate":        FormatGolangMigrate,
	"golang_migrate": FormatGolangMigrate,
	"golangmigrate":  FormatGolangMigrate,
	"go-migrations":  FormatGoList,
}

// ParseFormat reads a --migration-format value ("auto" or "" for
// detection).
func ParseFormat(name string) (Format, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return FormatAuto, nil
	}
	for _, f := range Formats {
		if n == string(f) {
			return f, nil
		}
	}
	if f, ok := formatAliases[n]; ok {
		return f, nil
	}
	return FormatAuto, UnknownFormat(name)
}

// UnknownFormat is the error for a format name no reader knows.
func UnknownFormat(name string) error {
	names := []string{"auto"}
	for _, f := range Formats {
		names = append(names, string(f))
	}
	return fmt.Errorf("unknown migration format %q (valid: %s)", name, strings.Join(names, ", "))
}

// String returns the format's name ("auto" for FormatAuto).
func (f Format) String() string {
	if f == FormatAuto {
		return "auto"
	}
	return string(f)
}
