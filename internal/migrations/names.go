package migrations

import (
	"path"
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// File name patterns of each tool.
var (
	golangMigrateName = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.sql$`)
	flywayName        = regexp.MustCompile(`^([VU])([0-9]+(?:[._][0-9]+)*)__(.+)\.sql$`)
	flywayRepeatable  = regexp.MustCompile(`^R__(.+)\.sql$`)
	// Flyway SQL callbacks (beforeMigrate.sql, afterEachMigrate__x.sql)
	// run around migrations; they are not migrations.
	flywayCallback = regexp.MustCompile(`^(before|after)[A-Z][A-Za-z]*(__.*)?\.sql$`)
	prismaDirName  = regexp.MustCompile(`^([0-9]+)_(.+)$`)
)

func isSQL(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".sql") }

func stem(name string) string {
	return name[:len(name)-len(path.Ext(name))]
}

// versionAndName splits "001_create_users.sql" into "001" and
// "create_users"; a name without leading digits is its own version.
func versionAndName(base string) (version, name string) {
	s := stem(base)
	v := migration.LeadingDigits(s)
	if v == "" {
		return s, s
	}
	return v, strings.TrimLeft(s[len(v):], "_-. ")
}

// gooseVersion reads goose's "<version>_<name>.sql": the version is the
// number before the first '_' (goose stores it as a bigint, so leading
// zeros do not count).
func gooseVersion(base string) (version, name string, ok bool) {
	v, n, found := strings.Cut(stem(base), "_")
	if !found || v == "" || migration.LeadingDigits(v) != v || migration.TrimZeros(v) == "0" {
		return "", "", false
	}
	return migration.TrimZeros(v), n, true
}

// dbmateVersion reads dbmate's "<digits>...sql": the version is the
// leading digits as written (dbmate stores it as text).
func dbmateVersion(base string) (version, name string, ok bool) {
	s := stem(base)
	v := migration.LeadingDigits(s)
	if v == "" {
		return "", "", false
	}
	return v, strings.TrimLeft(s[len(v):], "_"), true
}

type flywayKind int

const (
	flywayVersioned flywayKind = iota
	flywayUndo
	flywayRepeat
)

// flywayParts reads V1.2__desc.sql, U1.2__desc.sql and R__desc.sql.
// The version keeps its parts with '.' between them ("1_2" -> "1.2").
func flywayParts(base string) (kind flywayKind, version, desc string, ok bool) {
	if m := flywayName.FindStringSubmatch(base); m != nil {
		kind = flywayVersioned
		if m[1] == "U" {
			kind = flywayUndo
		}
		return kind, strings.ReplaceAll(m[2], "_", "."), m[3], true
	}
	if m := flywayRepeatable.FindStringSubmatch(base); m != nil {
		return flywayRepeat, "", m[1], true
	}
	return 0, "", "", false
}
