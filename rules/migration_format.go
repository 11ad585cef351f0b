package rules

// MigrationFormat is reported by the engine for a file that does not
// follow its migration tool's format. It has no Run.
var MigrationFormat = &Rule{
	Name:     "migration-format",
	Severity: Warning,
	Category: Correctness,
	Summary:  "the migration file does not follow its tool's format",
	Doc:      `The file is missing a section marker, has an unterminated block, or otherwise does not follow the format its migration tool expects (a goose file without "-- +goose Up", a sqitch change without its deploy script, two migrations with one version). The tool would skip it or fail.`,
}
