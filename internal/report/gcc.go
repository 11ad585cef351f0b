package report

import "fmt"

// writeGCC prints one `file:line:col: severity: message [rule]` line per
// finding and nothing else, the shape editors' compiler parsers read.
// Like gcc, a finding about a whole file has no line and column, and
// one about no file is prefixed with the tool's name.
func writeGCC(b *out, r *Report, o Options) error {
	for i := range r.Findings {
		f := &r.Findings[i]
		loc := location(r, f, o)
		if loc == "" {
			loc = r.tool()
		}
		fmt.Fprintf(b, "%s: %s: %s [%s]\n", loc, gccSeverity(f.Severity), sanitize(f.Message), sanitize(f.Rule))
		b.spill()
	}
	return nil
}

var gccSeverity = severityWords{err: "error", warning: "warning", hint: "note", other: "note"}.of
