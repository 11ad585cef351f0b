// Package safefs reads a source tree (a working tree on disk, a git
// revision) so that no file outside it is ever read and no read blocks:
//
//   - a symbolic link is followed only while it stays inside the tree; one
//     that leads out of it (an absolute target, or ../ past the root) is
//     an *OutsideError, so a migration linked to the .env beside the
//     repository is never read, printed or stored;
//   - only regular files and directories are opened: a FIFO, socket or
//     device is an *IrregularError without being opened (opening a FIFO
//     blocks until someone writes to it);
//   - ReadFile reads at most the size limit, whatever the file's kind.
//
// Links that stay inside the tree are followed, on disk and in git alike,
// so a migration linked from a shared directory of the repository is read
// the same from both and check compares like with like.
package safefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// ErrOutside is matched (errors.Is) by an *OutsideError.
var ErrOutside = errors.New("symlink leads outside the tree")

// ErrIrregular is matched (errors.Is) by an *IrregularError.
var ErrIrregular = errors.New("not a regular file")

// ErrIsDir is ReadFile's error for a directory.
var ErrIsDir = errors.New("is a directory")

// ErrTooLarge is matched (errors.Is) by a *TooLargeError.
var ErrTooLarge = errors.New("file too large")

// OutsideError is a symbolic link whose target is outside the tree.
type OutsideError struct {
	Link   string // the link, as a path in the tree
	Target string // what it points to, as stored
	Root   string // names the tree in messages
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("symlink %s leads outside %s (to %s): not followed", e.Link, e.Root, e.Target)
}

// Is makes errors.Is(err, ErrOutside) true.
func (e *OutsideError) Is(target error) bool { return target == ErrOutside }

// IrregularError is a FIFO, socket or device where a file was expected.
type IrregularError struct {
	Name string
	Mode fs.FileMode
}

// SkipSuffix ends the message of an IrregularError: a reader that skips
// such a file gives the message as its reason, and a reason ending so is
// a warning, not a file that could not be read.
const SkipSuffix = ", not a regular file: skipped"

func (e *IrregularError) Error() string { return kind(e.Mode) + SkipSuffix }

// Is makes errors.Is(err, ErrIrregular) true.
func (e *IrregularError) Is(target error) bool { return target == ErrIrregular }

func kind(m fs.FileMode) string {
	switch t := m.Type(); {
	case t&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeDevice != 0, t&fs.ModeCharDevice != 0:
		return "a device"
	case t&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "a special file"
}

// TooLargeError is a file over ReadFile's limit.
type TooLargeError struct {
	Name      string
	Size, Max int64 // Size is at least Max+1 when the size was not known in advance
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %d bytes", e.Name, e.Max)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// SkipReason is the reason a reader gives for a file ReadFile refused as
// a FIFO, socket or device (it was not opened: a warning, not a failure to
// read), or "" for any other error.
func SkipReason(err error) string {
	var ie *IrregularError
	if errors.As(err, &ie) {
		return ie.Error()
	}
	return ""
}

// usable says whether a file of mode m may be opened.
func usable(name string, m fs.FileMode) error {
	if m.IsRegular() || m.IsDir() {
		return nil
	}
	return &fs.PathError{Op: "open", Path: name, Err: &IrregularError{Name: name, Mode: m}}
}

// readable stats name and gives the error ReadFile gives before it
// opens it: a FIFO, socket or device, or a directory.
func readable(fsys fs.FS, name string) (fs.FileInfo, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := usable(name, st.Mode()); err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrIsDir}
	}
	return st, nil
}

// manyReader reads many files at once (gitrev.RevFS).
type manyReader interface {
	ReadFiles(names []string) ([][]byte, []error)
}

// ReadFiles reads the named files of fsys as ReadFile does (no size
// limit), each with its error: all at once where fsys can (a git revision, through New),
// which for many small files is much faster than one after another.
func ReadFiles(fsys fs.FS, names []string) ([][]byte, []error) {
	if m, ok := fsys.(manyReader); ok {
		return m.ReadFiles(names)
	}
	out, errs := make([][]byte, len(names)), make([]error, len(names))
	for i, name := range names {
		out[i], errs[i] = ReadFile(fsys, name, 0)
	}
	return out, errs
}

// ReadFile reads name from fsys, at most max bytes (max <= 0: no limit):
// a larger file is a *TooLargeError, a FIFO, socket or device an
// *IrregularError, and a directory an error. It is the one way readers of
// a tree read a file; with a tree from Dir or New it also never leaves
// the tree.
func ReadFile(fsys fs.FS, name string, max int64) ([]byte, error) {
	st, err := readable(fsys, name)
	if err != nil {
		return nil, err
	}
	if max > 0 && st.Size() > max {
		return nil, &TooLargeError{Name: name, Size: st.Size(), Max: max}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have changed since Stat: check what was opened, and
	// never read more than max+1 bytes.
	if st, err := f.Stat(); err == nil {
		if err := usable(name, st.Mode()); err != nil {
			return nil, err
		}
	}
	r := io.Reader(f)
	if max > 0 {
		r = io.LimitReader(f, max+1)
	}
	// Sized from Stat, the whole file is one read and the end another.
	data := make([]byte, 0, st.Size()+1)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew since Stat
		}
	}
	if max > 0 && int64(len(data)) > max {
		return nil, &TooLargeError{Name: name, Size: int64(len(data)), Max: max}
	}
	return data, nil
}
