package migrations

// TextProblem says why text cannot be linted as a migration ("binary
// file", "not valid UTF-8 (...)", "empty file"), or "" when it can. It is
// for text that does not come from a file, such as an editor buffer.
func TextProblem(text []byte) string { return textProblem(text) }
