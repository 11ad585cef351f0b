package migrations

import (
	"io"
	"io/fs"
	"sort"
)

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

// CheckDir says, in one line naming it, why dir of fsys is not a
// readable directory of migrations; nil when it is.
func CheckDir(fsys fs.FS, dir string) error {
	_, err := openDir(fsys, dir)
	return err
}

// ReadHead reads the first n bytes of a file (where a tool's markers,
// imports and registrations are); nil when it cannot be read.
func ReadHead(fsys fs.FS, name string, n int64) []byte {
	f, err := fsys.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, n))
	return b
}

// Files lists the names of the files directly in dir that keep accepts,
// sorted; nil when dir cannot be listed.
func Files(fsys fs.FS, dir string, keep func(name string) bool) []string {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && keep(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
