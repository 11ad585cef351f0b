package safefs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// maxHops bounds the links followed for one path, as the kernel's ELOOP.
const maxHops = 40

var errLoop = errors.New("too many levels of symbolic links")

// linker is what resolving symbolic links needs (fs.ReadLinkFS).
type linker interface {
	Lstat(name string) (fs.FileInfo, error)
	ReadLink(name string) (string, error)
}

// resolve follows the symbolic links in name, each component in turn, and
// returns the path they lead to inside the tree, or an *OutsideError for
// the first link that leads out of it. Targets are read as the kernel
// reads them: relative to the link's directory.
func resolve(l linker, root, op, name string) (string, error) {
	todo := strings.Split(name, "/")
	done := "." // a prefix of the result, free of links
	hops := 0
	for len(todo) > 0 {
		elem := todo[0]
		todo = todo[1:]
		if elem == "." || elem == "" {
			continue
		}
		p := path.Join(done, elem)
		st, err := l.Lstat(p)
		if err != nil {
			return "", err
		}
		if st.Mode().Type() != fs.ModeSymlink {
			done = p
			continue
		}
		if hops++; hops > maxHops {
			return "", &fs.PathError{Op: op, Path: name, Err: errLoop}
		}
		target, err := l.ReadLink(p)
		if err != nil {
			return "", err
		}
		// done holds no links, so cleaning the joined path lexically is
		// what the kernel would do; a ".." left in front leaves the tree.
		next := path.Join(done, target)
		if path.IsAbs(target) || next == ".." || strings.HasPrefix(next, "../") {
			return "", &fs.PathError{Op: op, Path: name, Err: &OutsideError{Link: p, Target: target, Root: root}}
		}
		todo = append(strings.Split(next, "/"), todo...)
		done = "."
	}
	return done, nil
}

// Dir is the working tree at dir, read through os.Root (so not even a
// link swapped in while reading can lead out of it) and opened without
// blocking.
func Dir(dir string) fs.FS {
	root, err := os.OpenRoot(dir)
	label := dir
	if abs, aerr := filepath.Abs(dir); aerr == nil {
		label = abs // a message names the directory, not "."
	}
	return &osFS{label: label, root: root, err: err}
}

type osFS struct {
	label string
	root  *os.Root
	err   error // from os.OpenRoot: every call fails with it
}

func (d *osFS) valid(op, name string) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return d.err
}

// explain turns os.Root's refusal of a path that leaves the root into an
// *OutsideError naming the link; other errors pass unchanged.
func (d *osFS) explain(op, name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return err
	}
	if _, rerr := resolve(d, d.label, op, name); errors.Is(rerr, ErrOutside) {
		return rerr
	}
	return err
}

// Open opens a regular file or directory; anything else is refused
// before it is opened, and checked again once open (O_NONBLOCK, so a FIFO
// swapped in meanwhile cannot block the open).
func (d *osFS) Open(name string) (fs.File, error) {
	st, err := d.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := usable(name, st.Mode()); err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, d.explain("open", name, err)
	}
	if st, err := f.Stat(); err == nil {
		if err := usable(name, st.Mode()); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// Stat describes name, following links inside the tree.
func (d *osFS) Stat(name string) (fs.FileInfo, error) {
	if err := d.valid("stat", name); err != nil {
		return nil, err
	}
	st, err := d.root.Stat(name)
	if err != nil {
		return nil, d.explain("stat", name, err)
	}
	return st, nil
}

// Lstat describes name without following a final link.
func (d *osFS) Lstat(name string) (fs.FileInfo, error) {
	if err := d.valid("lstat", name); err != nil {
		return nil, err
	}
	return d.root.Lstat(name)
}

// ReadLink returns the target of the link name.
func (d *osFS) ReadLink(name string) (string, error) {
	if err := d.valid("readlink", name); err != nil {
		return "", err
	}
	return d.root.Readlink(name)
}

// ReadDir lists a directory sorted by name; links are listed as links.
func (d *osFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := d.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	entries, err := listDir(d, name, f, dir)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// rootEntry is a directory entry whose FileInfo is read through the
// root when asked for.
type rootEntry struct {
	fs.DirEntry
	d    *osFS
	name string // the entry's path in the root
}

func (e rootEntry) Info() (fs.FileInfo, error) { return e.d.Lstat(e.name) }

// New wraps a tree that keeps links as links (a git revision: its
// symlinks are blobs holding the target path) so that reading a link
// reads what it leads to inside the tree, never the target path as if it
// were the file, and never anything outside. root names the tree in
// messages. A tree without links (fs.ReadLinkFS not implemented) is
// returned as it is.
func New(tree fs.FS, root string) fs.FS {
	l, ok := tree.(linker)
	if !ok {
		return tree
	}
	return &treeFS{fsys: tree, links: l, label: root}
}

type treeFS struct {
	fsys  fs.FS
	links linker
	label string
}

func (t *treeFS) resolve(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return resolve(t.links, t.label, op, name)
}

// parent resolves the directory of name, leaving its last element alone.
func (t *treeFS) parent(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	dir, err := resolve(t.links, t.label, op, path.Dir(name))
	if err != nil {
		return "", err
	}
	return path.Join(dir, path.Base(name)), nil
}

func (t *treeFS) Open(name string) (fs.File, error) {
	p, err := t.resolve("open", name)
	if err != nil {
		return nil, err
	}
	st, err := fs.Stat(t.fsys, p)
	if err != nil {
		return nil, err
	}
	if err := usable(name, st.Mode()); err != nil {
		return nil, err
	}
	return t.fsys.Open(p)
}

func (t *treeFS) Stat(name string) (fs.FileInfo, error) {
	p, err := t.resolve("stat", name)
	if err != nil {
		return nil, err
	}
	return fs.Stat(t.fsys, p)
}

func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := t.resolve("readdir", name)
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(t.fsys, p)
}

func (t *treeFS) ReadFile(name string) ([]byte, error) {
	p, err := t.resolve("read", name)
	if err != nil {
		return nil, err
	}
	return ReadFile(t.fsys, p, 0)
}

// ReadFiles reads the named files as ReadFile does, all at once from a
// tree that can (a git revision).
func (t *treeFS) ReadFiles(names []string) ([][]byte, []error) {
	out, errs := make([][]byte, len(names)), make([]error, len(names))
	m, ok := t.fsys.(manyReader)
	if !ok {
		for i, name := range names {
			out[i], errs[i] = t.ReadFile(name)
		}
		return out, errs
	}
	var paths []string
	var at []int
	for i, name := range names {
		p, err := t.resolve("read", name)
		if err == nil {
			_, err = readable(t.fsys, p)
		}
		if err != nil {
			errs[i] = err
			continue
		}
		paths = append(paths, p)
		at = append(at, i)
	}
	data, rerrs := m.ReadFiles(paths)
	for j, i := range at {
		out[i], errs[i] = data[j], rerrs[j]
	}
	return out, errs
}

func (t *treeFS) Lstat(name string) (fs.FileInfo, error) {
	p, err := t.parent("lstat", name)
	if err != nil {
		return nil, err
	}
	return t.links.Lstat(p)
}

func (t *treeFS) ReadLink(name string) (string, error) {
	p, err := t.parent("readlink", name)
	if err != nil {
		return "", err
	}
	return t.links.ReadLink(p)
}

// Close closes the wrapped tree when it holds resources (a git
// cat-file process).
func (t *treeFS) Close() error {
	if c, ok := t.fsys.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

var (
	_ fs.ReadLinkFS = (*osFS)(nil)
	_ fs.ReadDirFS  = (*osFS)(nil)
	_ fs.StatFS     = (*osFS)(nil)
	_ fs.ReadLinkFS = (*treeFS)(nil)
	_ fs.ReadDirFS  = (*treeFS)(nil)
	_ fs.ReadFileFS = (*treeFS)(nil)
	_ fs.StatFS     = (*treeFS)(nil)
	_ fs.ReadLinkFS = (*subFS)(nil)
	_ fs.ReadDirFS  = (*subFS)(nil)
	_ fs.StatFS     = (*subFS)(nil)
)

// Within is directory dir read inside the repository it belongs to: the
// nearest directory above it holding .git, else the working directory
// when dir is below it, else dir itself. A migration directory's link to
// a shared directory of the same repository is followed; a link out of
// the repository is not.
func Within(dir string) fs.FS {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Dir(dir)
	}
	root := repositoryOf(abs)
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == "." {
		return Dir(abs)
	}
	s := &subFS{fsys: Dir(root).(*osFS), prefix: filepath.ToSlash(rel)}
	if s.fsys.err == nil {
		if r, err := s.fsys.root.OpenRoot(s.prefix); err == nil {
			s.near = &osFS{label: s.fsys.label, root: r}
		}
	}
	return s
}

func repositoryOf(abs string) string {
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return wd
		}
	}
	return abs
}

// subFS is the directory prefix of a tree, as fs.Sub makes it, keeping
// Stat (fs.Sub would open the file to stat it).
type subFS struct {
	fsys   *osFS
	prefix string
	// near is a root at prefix itself: os.Root walks a path a component
	// at a time, so most calls are answered there in one step. Whatever
	// fails there (a link out of prefix, a missing file) is asked of fsys
	// again, which answers, and words errors, as it always has.
	near *osFS
}

// tryNear calls f with the near root, then, unless that succeeded, with
// the whole tree.
func tryNear[T any](s *subFS, op, name string, f func(d *osFS, name string) (T, error)) (T, error) {
	if s.near != nil && fs.ValidPath(name) {
		if v, err := f(s.near, name); err == nil {
			return v, nil
		}
	}
	p, err := s.full(op, name)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s.fsys, p)
}

func (s *subFS) full(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return path.Join(s.prefix, name), nil
}

func (s *subFS) Open(name string) (fs.File, error) {
	return tryNear(s, "open", name, (*osFS).Open)
}

func (s *subFS) Stat(name string) (fs.FileInfo, error) {
	return tryNear(s, "stat", name, (*osFS).Stat)
}

func (s *subFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return tryNear(s, "readdir", name, (*osFS).ReadDir)
}

func (s *subFS) Lstat(name string) (fs.FileInfo, error) {
	return tryNear(s, "lstat", name, (*osFS).Lstat)
}

func (s *subFS) ReadLink(name string) (string, error) {
	return tryNear(s, "readlink", name, (*osFS).ReadLink)
}
