// Package rubyre turns the body and flags of a Ruby regexp literal into
// Go regexp syntax, for the Ruby code schemagate reads (Rails inflection
// rules, a migration's `adapter_name =~ /postgres/i`).
package rubyre

import (
	"fmt"
	"strings"
)

// escapes are the Ruby escapes RE2 spells otherwise.
var escapes = strings.NewReplacer(`\Z`, `$`, `\h`, `[0-9a-fA-F]`, `\/`, `/`)

// Source is the Go regexp for a Ruby regexp's body (without delimiters
// or interpolation) and flags: i stays, Ruby's m (dot matches newline)
// is Go's s, the encoding and once flags change nothing, and the others
// (x) are not supported. The caller compiles it.
func Source(body, flags string) (string, error) {
	goFlags := ""
	for _, c := range flags {
		switch c {
		case 'i':
			goFlags += "i"
		case 'm':
			goFlags += "s"
		case 'o', 'n', 'e', 's', 'u':
		default:
			return "", fmt.Errorf("regexp flag %q is not supported", c)
		}
	}
	body = escapes.Replace(body)
	if goFlags != "" {
		body = "(?" + goFlags + ")" + body
	}
	return body, nil
}
