//go:build unix

package safefs

import (
	"io/fs"
	"os"
	"path"
	"syscall"
)

// listDir lists the directory f, opened through d's root. A directory
// opened in an os.Root lists its entries with an lstat each, even when
// the kernel already says what type they are: a migration directory of
// thousands of files, listed by several detectors, spent more time there
// than reading the files. So the entries are read from a copy of the
// descriptor opened outside the root; only their FileInfo, when asked
// for, goes through the root.
func listDir(d *osFS, name string, f fs.File, dir fs.ReadDirFile) ([]fs.DirEntry, error) {
	of, ok := f.(*os.File)
	if !ok {
		return dir.ReadDir(-1)
	}
	sc, err := of.SyscallConn()
	if err != nil {
		return dir.ReadDir(-1)
	}
	dup := -1
	var dupErr error
	if err := sc.Control(func(fd uintptr) { dup, dupErr = syscall.Dup(int(fd)) }); err != nil || dupErr != nil {
		return dir.ReadDir(-1)
	}
	syscall.CloseOnExec(dup)
	plain := os.NewFile(uintptr(dup), name)
	defer plain.Close()
	entries, err := plain.ReadDir(-1)
	for i, e := range entries {
		entries[i] = rootEntry{DirEntry: e, d: d, name: path.Join(name, e.Name())}
	}
	return entries, err
}
