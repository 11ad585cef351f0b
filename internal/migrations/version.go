package migrations

import (
	"strings"
)

// leadingDigits returns the run of ASCII digits that s starts with.
func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// trimZeros drops leading zeros of a decimal number ("007" -> "7",
// "000" -> "0").
func trimZeros(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// compareNumbers compares two decimal digit strings of any length by
// value.
func compareNumbers(a, b string) int {
	a, b = trimZeros(a), trimZeros(b)
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// compareDotted compares Flyway versions ("1.2.10" > "1.2.9"), part by
// part by value; missing parts count as 0, so "1.0" equals "1".
func compareDotted(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := compareNumbers(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// compareNames orders plain files by name, comparing leading version
// numbers by value so that 2_x.sql comes before 10_x.sql.
func compareNames(a, b string) int {
	da, db := leadingDigits(a), leadingDigits(b)
	if da != "" && db != "" {
		if c := compareNumbers(da, db); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

// CompareVersions orders the version keys of migrations written in code:
// dotted numbers part by part by value ("2.10" after "2.9", "10" after
// "9"), anything else by text after the numbers.
func CompareVersions(a, b string) int {
	if dotted(a) && dotted(b) {
		return compareDotted(a, b)
	}
	return compareNames(a, b)
}

func dotted(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" || leadingDigits(part) != part {
			return false
		}
	}
	return true
}
