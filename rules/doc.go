// Package rules defines what a schemagate rule is, the pass a rule runs
// on, and every rule schemagate ships. A rule is a value, like an
// analyzer in golang.org/x/tools/go/analysis: a name, docs and code
// that reads typed schema operations and reports findings. Most rules
// look at one operation at a time: they name the operation Kinds they
// inspect and an Op called for each, and the pass walks the migration,
// passing over tables the running release does not have yet. A rule that
// needs the whole migration (transactions, the order of statements) has
// a Run instead.
//
// Where things are:
//
//   - rule.go: the Rule type; Rule.At builds a finding of a rule that
//     checks nothing itself (syntax-error, verify-lock, ...), whose
//     findings the engine, check and verify make themselves.
//   - all.go: the list of every rule, and Lookup.
//   - one file per rule, named after it: drop_column.go holds DropColumn,
//     the rule "drop-column". The Go identifier is the rule's name.
//   - pass.go: what a rule sees (the migration, its operations, the schema
//     before it, the PostgreSQL version), how it reports, and Pass.Run,
//     which calls a rule's Op or Run.
//   - uses.go: what the releases that may still run use (Use, Compat), and
//     how the compatibility rules turn those uses into one finding.
//   - finding.go: Finding, Severity, Category, Evidence and Fix.
//   - helpers.go: hints in the migration tool's own words, quoting, and
//     helpers more than one rule shares.
//
// Each rule's cases are SQL files under testdata/rules/<rule>/ at the
// repository root, read by rules_test.go: a line that should carry a
// finding ends with `-- want: <rule> "<regexp of its message>"`.
// docs/rules.md is generated from the rules' docs.
package rules
