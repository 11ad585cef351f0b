package rules

// InvalidSuppression is reported by the engine for a schemagate:ignore
// comment it cannot honour. It has no Run.
var InvalidSuppression = &Rule{
	Name:     "invalid-suppression",
	Severity: Error,
	Category: Correctness,
	Summary:  "a schemagate:ignore comment names an unknown rule or lacks a required reason",
	Doc:      `Suppression comments must name existing rules ("schemagate rules" lists them), so that a typo does not silently disable nothing. Suppressing a compatibility finding also needs a reason after the rule names: it records why breaking the running release is acceptable.`,
	Bad:      "-- schemagate:ignore drop-colum",
	Good:     "-- schemagate:ignore drop-column the legacy app that read it was retired in March",
}
