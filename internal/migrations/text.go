package migrations

import "io/fs"

// TextProblem says why text cannot be linted as a migration ("binary
// file", "not valid UTF-8 (...)", "empty file"), or "" when it can. It is
// for text that does not come from a file, such as an editor buffer.
func TextProblem(text []byte) string { return textProblem(text) }

// ReadText reads a migration file of at most max bytes (0: the default
// limit). A file that cannot be used as text gives a reason for a
// Skipped entry ("binary file", "larger than 8 MiB") instead of text.
func ReadText(fsys fs.FS, name string, max int64) (text []byte, reason string) {
	text, reason, err := readText(fsys, name, Options{MaxFileSize: max}.maxSize())
	if err != nil {
		return nil, readReason(err)
	}
	return text, reason
}
