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
type sqlFormat interface {
	format() migration.Format
	// discover adds the migrations of a listed directory to b, in apply
	// order, and skips what the tool would not run.
	discover(b *builder, l listing)
	// file builds the migration of one file named on its own; a name
	// that does not fit the tool gives a migration with a problem saying
	// the tool would not run it. conf is a Flyway script config file.
	file(p string, text, conf []byte) *migration.Migration
}

// sqlFormats are the SQL tools, by format.
var sqlFormats = map[migration.Format]sqlFormat{
	migration.FormatSQL:           plainFormat{},
	migration.FormatGolangMigrate: golangMigrateFormat{},
	migration.FormatGoose:         gooseFormat{},
	migration.FormatDbmate:        dbmateFormat{},
	migration.FormatFlyway:        flywayFormat{},
	migration.FormatPrisma:        prismaFormat{},
	migration.FormatSqitch:        sqitchFormat{},
}

// misnamed reads a file whose name its tool does not run as a whole, with
// a problem that says so.
func misnamed(format migration.Format, p string, text []byte, msg string) *migration.Migration {
	m := plainMigration(p, text)
	m.Format = format
	m.Problems = append(m.Problems, migration.Problem{Span: firstLineSpan(m.File), Message: msg})
	return m
}

type plainFormat struct{}

func (plainFormat) format() migration.Format       { return migration.FormatSQL }
func (plainFormat) discover(b *builder, l listing) { b.discoverPlain(l) }
func (plainFormat) file(p string, text, _ []byte) *migration.Migration {
	return plainMigration(p, text)
}

type golangMigrateFormat struct{}

func (golangMigrateFormat) format() migration.Format       { return migration.FormatGolangMigrate }
func (golangMigrateFormat) discover(b *builder, l listing) { b.discoverGolangMigrate(l) }
func (golangMigrateFormat) file(p string, text, _ []byte) *migration.Migration {
	m := golangMigrateName.FindStringSubmatch(path.Base(p))
	if m == nil {
		return misnamed(migration.FormatGolangMigrate, p, text, "not a golang-migrate file name (<version>_<name>.up.sql): migrate ignores it")
	}
	return golangMigrateMigration(p, text, m[1], m[2], m[3] == "down")
}

type gooseFormat struct{}

func (gooseFormat) format() migration.Format       { return migration.FormatGoose }
func (gooseFormat) discover(b *builder, l listing) { b.discoverGoose(l) }
func (gooseFormat) file(p string, text, _ []byte) *migration.Migration {
	return sectionedFile(p, text, gooseVersion, gooseMigrations, "not a goose file name (<version>_<name>.sql): goose ignores it")
}

type dbmateFormat struct{}

func (dbmateFormat) format() migration.Format       { return migration.FormatDbmate }
func (dbmateFormat) discover(b *builder, l listing) { b.discoverDbmate(l) }
func (dbmateFormat) file(p string, text, _ []byte) *migration.Migration {
	return sectionedFile(p, text, dbmateVersion, dbmateMigrations, "file name does not start with a version number: dbmate ignores it")
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

type flywayFormat struct{}

func (flywayFormat) format() migration.Format       { return migration.FormatFlyway }
func (flywayFormat) discover(b *builder, l listing) { b.discoverFlyway(l) }
func (flywayFormat) file(p string, text, conf []byte) *migration.Migration {
	kind, v, desc, ok := flywayParts(path.Base(p))
	if !ok {
		return misnamed(migration.FormatFlyway, p, text, "not a Flyway migration name (V<version>__<description>.sql or R__<description>.sql): Flyway ignores it")
	}
	return flywayMigration(p, text, kind, v, desc, conf)
}

type prismaFormat struct{}

func (prismaFormat) format() migration.Format       { return migration.FormatPrisma }
func (prismaFormat) discover(b *builder, l listing) { b.discoverPrisma(l) }
func (prismaFormat) file(p string, text, _ []byte) *migration.Migration {
	m := prismaMigration(p, text)
	if path.Base(p) != "migration.sql" {
		m.Problems = append(m.Problems, migration.Problem{Span: firstLineSpan(m.File), Message: "Prisma runs only <migration>/migration.sql files"})
	}
	return m
}

type sqitchFormat struct{}

func (sqitchFormat) format() migration.Format       { return migration.FormatSqitch }
func (sqitchFormat) discover(b *builder, l listing) { b.discoverSqitch(l) }
func (sqitchFormat) file(p string, text, _ []byte) *migration.Migration {
	v, n := sqitchNames(path.Base(p))
	return sqitchMigration(p, text, v, n)
}
