// Package rules defines what a schemagate rule is, the pass a rule runs
// on, and every rule schemagate ships. A rule is a value, like an
// analyzer in golang.org/x/tools/go/analysis: a name, docs and a Run
// function that reads typed schema operations and reports findings.
//
// Where things are:
//
//   - rule.go: the Rule type; Rule.At builds a finding of a rule that has
//     no Run (syntax-error, verify-lock, ...), whose findings the engine,
//     check and verify make themselves.
//   - all.go: the list of every rule, and Lookup.
//   - one file per rule, named after it: drop_column.go holds DropColumn,
//     the rule "drop-column". The Go identifier is the rule's name.
//   - pass.go: what a rule sees (the migration, its operations, the schema
//     before it, the PostgreSQL version) and how it reports.
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
