package lintcache

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// statDir adds the directory d and every entry below it to t, in
// lexical order, depth first. Entries are stat'ed relative to their
// directory (an os.Root: fstatat on its descriptor): a warm lint stats
// every migration, and looking each full path up again cost more than
// the rest of it.
func statDir(t *Tree, d string, n *int) error {
	info, err := os.Lstat(d)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return errNoTree
	}
	root, err := os.OpenRoot(d)
	if err != nil {
		return err
	}
	defer root.Close()
	*n++
	if err := t.addInfo(d, info); err != nil {
		return err
	}
	return statEntries(t, root, d, n)
}

// statEntries adds the entries of the directory root, at path d.
func statEntries(t *Tree, root *os.Root, d string, n *int) error {
	dir, err := root.Open(".")
	if err != nil {
		return err
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		if *n++; *n > maxTreeEntries {
			return errNoTree
		}
		info, err := root.Lstat(name)
		if err != nil {
			return err
		}
		p := filepath.Join(d, name)
		if err := t.addInfo(p, info); err != nil {
			return err
		}
		if info.IsDir() {
			sub, err := root.OpenRoot(name)
			if err != nil {
				return err
			}
			err = statEntries(t, sub, p, n)
			sub.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// addInfo adds the entry at p, stat'ed as info; a symbolic link ends
// the tree.
func (t *Tree) addInfo(p string, info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || info.Mode()&fs.ModeSymlink != 0 {
		return errNoTree
	}
	t.add(p, uint32(info.Mode()), info.Size(), [4]int64{st.Mtim.Nano(), st.Ctim.Nano(), int64(st.Ino), int64(st.Dev)})
	return nil
}
