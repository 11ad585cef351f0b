package migrations

import (
	"path"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// sqlFormat reads the layout of one SQL migration tool: a directory of
// its migrations in apply order, or one file on its own. It is the SQL
// side of what migration.Framework is for code: the loader reaches every
// tool through one of the two, and what the rest of schemagate asks of a
// tool is its migration.Tool.
type sqlFormat struct {
	// discover adds the migrations of a listed directory to b, in apply
	// order, and skips what the tool would not run.
	discover func(b *builder, l listing)
	// file builds the migration of one file named on its own; a name
	// that does not fit the tool gives a migration with a problem saying
	// the tool would not run it. conf is a Flyway script config file.
	file func(p string, text, conf []byte) *migration.Migration
}

// sqlFormats are the SQL tools, by format.
var sqlFormats = map[migration.Format]sqlFormat{
	migration.FormatSQL: {(*builder).discoverPlain, func(p string, text, _ []byte) *migration.Migration { return plainMigration(p, text) }},
	migration.FormatGolangMigrate: {(*builder).discoverGolangMigrate, func(p string, text, _ []byte) *migration.Migration {
		m := golangMigrateName.FindStringSubmatch(path.Base(p))
		if m == nil {
			return misnamed(migration.FormatGolangMigrate, p, text, "not a golang-migrate file name (<version>_<name>.up.sql): migrate ignores it")
		}
		return golangMigrateMigration(p, text, m[1], m[2], m[3] == "down")
	}},
	migration.FormatGoose: {(*builder).discoverGoose, func(p string, text, _ []byte) *migration.Migration {
		return sectionedFile(p, text, gooseVersion, gooseMigrations, "not a goose file name (<version>_<name>.sql): goose ignores it")
	}},
	migration.FormatDbmate: {(*builder).discoverDbmate, func(p string, text, _ []byte) *migration.Migration {
		return sectionedFile(p, text, dbmateVersion, dbmateMigrations, "file name does not start with a version number: dbmate ignores it")
	}},
	migration.FormatFlyway: {(*builder).discoverFlyway, func(p string, text, conf []byte) *migration.Migration {
		kind, v, desc, ok := flywayParts(path.Base(p))
		if !ok {
			return misnamed(migration.FormatFlyway, p, text, "not a Flyway migration name (V<version>__<description>.sql or R__<description>.sql): Flyway ignores it")
		}
		return flywayMigration(p, text, kind, v, desc, conf)
	}},
	migration.FormatPrisma: {(*builder).discoverPrisma, func(p string, text, _ []byte) *migration.Migration {
		m := prismaMigration(p, text)
		if path.Base(p) != "migration.sql" {
			m.Problems = append(m.Problems, migration.Problem{Span: firstLineSpan(m.File), Message: "Prisma runs only <migration>/migration.sql files"})
		}
		return m
	}},
	migration.FormatSqitch: {(*builder).discoverSqitch, func(p string, text, _ []byte) *migration.Migration {
		v, n := sqitchNames(path.Base(p))
		return sqitchMigration(p, text, v, n)
	}},
}

// misnamed reads a file whose name its tool does not run as a whole, with
// a problem that says so.
func misnamed(format migration.Format, p string, text []byte, msg string) *migration.Migration {
	m := plainMigration(p, text)
	m.Format = format
	m.Problems = append(m.Problems, migration.Problem{Span: firstLineSpan(m.File), Message: msg})
	return m
}

// sectionedFile reads one file of a tool whose files hold an up and a
// down section (goose, dbmate): its up migration, named from the file
// name, or when the tool would not run that name, with a problem saying
// so (badName).
func sectionedFile(p string, text []byte, version func(string) (string, string, bool),
	build func(p string, text []byte, v, n string, includeDown bool) []*migration.Migration, badName string) *migration.Migration {
	base := path.Base(p)
	v, n, ok := version(base)
	m := build(p, text, v, n, false)[0]
	if !ok {
		m.Version, m.Name = versionAndName(base)
		m.Problems = append(m.Problems, migration.Problem{Span: firstLineSpan(m.File), Message: badName})
	}
	return m
}
