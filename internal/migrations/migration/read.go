package migration

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// DefaultMaxFileSize is the largest migration file read when
// Options.MaxFileSize is 0.
const DefaultMaxFileSize = 8 << 20

// Limit is the file size limit a configured maximum sets: max itself, or
// DefaultMaxFileSize when max is 0 (unset) or negative.
func Limit(max int64) int64 {
	if max <= 0 {
		return DefaultMaxFileSize
	}
	return max
}

var errIsDir = errors.New("is a directory")

// Read reads a migration file of at most max bytes (0: the default
// limit). A file that cannot be used as text gives a reason (for a
// Skipped entry) instead of text; err is only for files that cannot be
// opened or read at all (a symlink out of the tree among them). A FIFO,
// socket or device is skipped, never opened.
func Read(fsys fs.FS, name string, max int64) (text []byte, reason string, err error) {
	text, err = safefs.ReadFile(fsys, name, Limit(max))
	switch {
	case errors.Is(err, safefs.ErrIsDir):
		return nil, "", errIsDir
	case safefs.SkipReason(err) != "":
		return nil, safefs.SkipReason(err), nil
	case errors.Is(err, safefs.ErrTooLarge):
		return nil, "larger than " + SizeText(max), nil
	case err != nil:
		return nil, "", err
	}
	if reason := TextProblem(text); reason != "" {
		return nil, reason, nil
	}
	return text, "", nil
}

// TextProblem says why text cannot be read as a migration ("binary
// file", "not valid UTF-8 (...)", "empty file"), or "" when it can.
func TextProblem(text []byte) string {
	switch {
	case len(bytes.TrimSpace(text[BodyStart(text):])) == 0:
		return "empty file"
	case bytes.HasPrefix(text, []byte{0xFF, 0xFE}) || bytes.HasPrefix(text, []byte{0xFE, 0xFF}):
		return "UTF-16 text (save it as UTF-8)"
	case bytes.IndexByte(text, 0) >= 0:
		return "binary file"
	}
	if !utf8.Valid(text) {
		off := 0
		for off < len(text) {
			r, size := utf8.DecodeRune(text[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		p := source.NewFile("", text).Pos(off)
		return fmt.Sprintf("not valid UTF-8 (first bad byte at line %d, column %d)", p.Line, p.Column)
	}
	return ""
}

// Unreadable reports whether a skip reason means the file could not be
// read as text at all (as opposed to a file its tool would ignore).
func Unreadable(reason string) bool {
	for _, s := range []string{"binary", "UTF-8", "UTF-16", "larger than", "cannot read"} {
		if bytes.Contains([]byte(reason), []byte(s)) {
			return true
		}
	}
	return false
}

// ReadReason turns a read error into a one-line reason for Skipped.
func ReadReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "cannot read: " + err.Error()
}

// SizeText writes a byte count the way people read limits.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// BodyStart skips a UTF-8 byte order mark, which PostgreSQL would read as
// part of the first token.
func BodyStart(text []byte) int {
	if bytes.HasPrefix(text, []byte{0xEF, 0xBB, 0xBF}) {
		return 3
	}
	return 0
}

// ReadText is Read with an error that is a reason too: a file that
// cannot be used as text, or read at all, gives a reason for a Skipped
// entry ("binary file", "larger than 8 MiB", "cannot read: ...").
func ReadText(fsys fs.FS, name string, max int64) (text []byte, reason string) {
	text, reason, err := Read(fsys, name, max)
	if err != nil {
		return nil, ReadReason(err)
	}
	return text, reason
}

// ReadHead reads the first n bytes of a file (where a tool's markers,
// imports and registrations are); nil when it cannot be read. A FIFO,
// socket or device is never opened.
func ReadHead(fsys fs.FS, name string, n int64) []byte {
	if st, err := fs.Stat(fsys, name); err != nil || !st.Mode().IsRegular() {
		return nil
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, n))
	return b
}

// Checksum is the content hash used to tell a released migration was
// edited; line endings do not count.
func Checksum(text []byte) string {
	norm := strings.ReplaceAll(string(text), "\r\n", "\n")
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}

// CheckDir says, in one line naming it, why dir of fsys is not a
// readable directory of migrations; nil when it is.
func CheckDir(fsys fs.FS, dir string) error {
	if !fs.ValidPath(dir) {
		return fmt.Errorf("migrations directory %q: not a valid path (slash-separated, relative, no ..)", dir)
	}
	st, err := fs.Stat(fsys, dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("migrations directory %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("migrations directory %s: %s", dir, ReadReason(err))
	case !st.IsDir():
		return fmt.Errorf("migrations directory %s is not a directory", dir)
	}
	return nil
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
