package rules

// InternalError is reported by the engine when a rule or reader fails on
// a file. It has no Run.
var InternalError = &Rule{
	Name:     "internal-error",
	Severity: Error,
	Category: Correctness,
	Summary:  "schemagate failed on this file; please report it",
	Doc:      `A rule or reader crashed on this file. The other files and rules were still checked. The message says which rule; please report it with the file.`,
}
