package lang

import "bytes"

// Format templates: a literal that is the template of a formatting call
// becomes the text the call produces, each directive a placeholder.

// printfDirective is fn for builder.transform over a Go (fmt) or Java
// (String.format) template: %% is a percent sign, Java's %n a newline,
// every other directive a placeholder.
func printfDirective(java bool) func(text []byte, i int) (int, string, bool) {
	return func(text []byte, i int) (int, string, bool) {
		if text[i] != '%' || i+1 >= len(text) {
			return 0, "", false
		}
		switch text[i+1] {
		case '%':
			return 2, "%", false
		case 'n':
			if java {
				return 2, "\n", false
			}
		}
		j := i + 1
		// Argument index: Go %[2]d, Java %2$s.
		if !java && j < len(text) && text[j] == '[' {
			for j < len(text) && text[j] != ']' {
				j++
			}
			j++
		}
		for j < len(text) && bytes.IndexByte([]byte("+-# 0,(<"), text[j]) >= 0 {
			j++
		}
		for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == '.' || text[j] == '$' || text[j] == '*') {
			j++
		}
		if !java && j < len(text) && text[j] == '[' {
			for j < len(text) && text[j] != ']' {
				j++
			}
			j++
		}
		if j < len(text) && isVerb(text[j]) {
			return j + 1 - i, "", true
		}
		return 0, "", false
	}
}

func isVerb(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// pythonPercent is fn for a Python string used with %-style parameters
// (DB-API "format"/"pyformat" paramstyles or the % operator): %s, %d,
// %(name)s and the like become placeholders and %% a percent sign.
func pythonPercent(text []byte, i int) (int, string, bool) {
	if text[i] != '%' || i+1 >= len(text) {
		return 0, "", false
	}
	j := i + 1
	switch text[j] {
	case '%':
		return 2, "%", false
	case '(':
		k := bytes.IndexByte(text[j:], ')')
		if k < 0 {
			return 0, "", false
		}
		j += k + 1
	}
	for j < len(text) && bytes.IndexByte([]byte("#0- +"), text[j]) >= 0 {
		j++
	}
	for j < len(text) && (text[j] >= '0' && text[j] <= '9' || text[j] == '.') {
		j++
	}
	if j < len(text) && bytes.IndexByte([]byte("sdifrabtxXeEgGcu"), text[j]) >= 0 {
		return j + 1 - i, "", true
	}
	return 0, "", false
}

// usesPercentParams reports whether text holds a %s or %(name)s
// parameter, the sign that a driver or % will substitute into it.
func usesPercentParams(text []byte) bool {
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '%' {
			continue
		}
		switch text[i+1] {
		case '%':
			i++
		case 's':
			return true
		case '(':
			k := bytes.IndexByte(text[i:], ')')
			if k > 0 && i+k+1 < len(text) && text[i+k+1] == 's' {
				return true
			}
		}
	}
	return false
}

// pythonFormatField is fn for the template of str.format: {{ and }} are
// braces, every {field} a placeholder.
func pythonFormatField(text []byte, i int) (int, string, bool) {
	switch {
	case i+1 < len(text) && (text[i] == '{' || text[i] == '}') && text[i+1] == text[i]:
		return 2, string(text[i : i+1]), false
	case text[i] == '{':
		k := bytes.IndexByte(text[i:], '}')
		if k < 0 {
			return 0, "", false
		}
		return k + 1, "", true
	}
	return 0, "", false
}
