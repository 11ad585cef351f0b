package migration

import "strings"

// LeadingDigits returns the run of ASCII digits that s starts with.
func LeadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// TrimZeros drops leading zeros of a decimal number ("007" -> "7",
// "000" -> "0").
func TrimZeros(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// CompareNumbers compares two version parts: by value when both are
// decimal digit strings of any length ("0003" == "3", "10" > "9"; Rails'
// version.to_i, goose's bigint), else as text.
func CompareNumbers(a, b string) int {
	if !digits(a) || !digits(b) {
		return strings.Compare(a, b)
	}
	a, b = TrimZeros(a), TrimZeros(b)
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// CompareDotted compares dotted versions ("1.2.10" > "1.2.9") part by
// part with CompareNumbers; missing parts count as 0, so "1.0" equals "1"
// (Flyway's rule, and a plain number is a one-part version).
func CompareDotted(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := "0", "0"
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if c := CompareNumbers(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// CompareVersions orders version keys: dotted numbers part by part by
// value ("2.10" after "2.9", "10" after "9", "1.0" equal to "1"),
// anything else by its leading number, then by text.
func CompareVersions(a, b string) int {
	if dotted(a) && dotted(b) {
		return CompareDotted(a, b)
	}
	return CompareNames(a, b)
}

func dotted(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if !digits(part) {
			return false
		}
	}
	return true
}

// CompareNames orders plain files by name, comparing leading version
// numbers by value so that 2_x.sql comes before 10_x.sql.
func CompareNames(a, b string) int {
	da, db := LeadingDigits(a), LeadingDigits(b)
	if da != "" && db != "" {
		if c := CompareNumbers(da, db); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
