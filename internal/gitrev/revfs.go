package gitrev

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RevFS is the file tree of one commit, read straight from the object
// store. It implements fs.FS, fs.ReadDirFS, fs.ReadFileFS, fs.StatFS and
// fs.ReadLinkFS, and is safe for concurrent use; each fs.File it opens is
// for one goroutine at a time.
//
// The whole tree is listed once when the RevFS is made; file contents are
// read on demand through one `git cat-file --batch` process that Close
// ends.
//
// Symbolic links are never followed: Open, Stat and Lstat all describe the
// link itself (fs.ModeSymlink, size = length of the target), and reading
// it (Read, ReadFile, ReadLink) yields the target path as stored in git.
// Walkers should skip entries whose Type() has fs.ModeSymlink.
//
// Submodules (gitlinks) appear as empty directories: ReadDir lists
// nothing, ReadFile fails with an error matching fs.ErrNotExist, and the
// commit they pin is in Gitlink and in Object.ID of FileInfo.Sys().
//
// ModTime of every entry is the commit's committer time.
type RevFS struct {
	commit  string
	tree    string
	modTime time.Time
	index   map[string]*node
	blobs   *catFile
	// sizes answers the size of a blob the listing could not give (a
	// partial clone, a damaged repository), one at a time, on demand.
	sizes  *catFile
	sizeMu sync.Mutex
}

// Object is what FileInfo.Sys() returns for a RevFS entry: the git tree
// entry behind it.
type Object struct {
	Mode uint32 // git mode: 0o100644, 0o100755, 0o120000, 0o160000, 0o040000
	Type string // "blob", "commit" (a gitlink) or "tree"
	ID   string // object id; empty for directories (trees are not listed)
}

type node struct {
	name     string // base name; "." for the root
	path     string
	mode     fs.FileMode
	obj      Object
	size     int64   // unknownSize until asked for, when the listing lacked it
	children []*node // directories only, sorted by name
}

// unknownSize marks a blob whose size the listing did not give.
const unknownSize = -1

func (n *node) gitlink() bool { return n.obj.Type == "commit" }

// FS returns the file tree of the commit rev names.
func (r *Repo) FS(rev string) (*RevFS, error) {
	commit, err := r.Resolve(rev)
	if err != nil {
		return nil, err
	}
	raw, err := r.output("cat-file", "commit", commit)
	if err != nil {
		return nil, err
	}
	tree, modTime, err := parseCommit(string(raw))
	if err != nil {
		return nil, fmt.Errorf("gitrev: commit %s: %w", commit, err)
	}
	// Sizes come with the listing, except in a partial clone: there git
	// would fetch every blob to size it, those of excluded paths too, and
	// one it cannot fetch stops the listing. Sizes are then asked for
	// file by file, when wanted; a blob that cannot be read is a problem
	// of that file only.
	var out []byte
	if !r.partialClone() {
		out, err = r.output("ls-tree", "-r", "-z", "--full-tree", "-l", commit)
	}
	if out == nil || err != nil {
		if out, err = r.output("ls-tree", "-r", "-z", "--full-tree", commit); err != nil {
			return nil, err
		}
	}
	index, err := buildIndex(string(out))
	if err != nil {
		return nil, fmt.Errorf("gitrev: listing %s: %w", commit, err)
	}
	f := &RevFS{commit: commit, tree: tree, modTime: modTime, index: index, blobs: &catFile{repo: r}, sizes: &catFile{repo: r, check: true}}
	// A RevFS dropped without Close must not leave its processes behind.
	runtime.AddCleanup(f, func(c *catFile) { c.close() }, f.blobs)
	runtime.AddCleanup(f, func(c *catFile) { c.close() }, f.sizes)
	return f, nil
}

// partialClone reports whether the repository is a partial clone, whose
// blobs are fetched from a promisor remote on demand.
func (r *Repo) partialClone() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.partial == nil {
		out, err := r.output("config", "--get", "extensions.partialclone")
		p := err == nil && strings.TrimSpace(string(out)) != ""
		r.partial = &p
	}
	return *r.partial
}

// sizeOf returns a file's size, asking git for it when the listing did
// not say; a blob git cannot find has size 0 (reading it fails).
func (f *RevFS) sizeOf(n *node) int64 {
	f.sizeMu.Lock()
	defer f.sizeMu.Unlock()
	if n.size == unknownSize {
		n.size = 0
		if size, err := f.sizes.info(n.obj.ID); err == nil {
			n.size = size
		}
	}
	return n.size
}

// parseCommit reads the tree id and committer time from a raw commit.
func parseCommit(raw string) (tree string, when time.Time, err error) {
	header, _, _ := strings.Cut(raw, "\n\n")
	for _, line := range strings.Split(header, "\n") {
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "tree":
			tree = val
		case "committer":
			// "Name <email> 1700000000 +0100"
			f := strings.Fields(val[strings.LastIndexByte(val, '>')+1:])
			if len(f) != 2 {
				return "", time.Time{}, fmt.Errorf("unexpected committer line %q", line)
			}
			sec, err1 := strconv.ParseInt(f[0], 10, 64)
			tz, err2 := time.Parse("-0700", f[1])
			if err1 != nil || err2 != nil {
				return "", time.Time{}, fmt.Errorf("unexpected committer line %q", line)
			}
			when = time.Unix(sec, 0).In(tz.Location())
		}
	}
	if tree == "" {
		return "", time.Time{}, errors.New("no tree line")
	}
	return tree, when, nil
}

// buildIndex turns `git ls-tree -r -z -l` output into a path index with a
// directory node for every parent. Paths io/fs cannot name are skipped.
func buildIndex(out string) (map[string]*node, error) {
	root := &node{name: ".", path: ".", mode: fs.ModeDir | 0o755, obj: Object{Mode: 0o040000, Type: "tree"}}
	index := make(map[string]*node, strings.Count(out, "\x00")*5/4+1)
	index["."] = root
	for len(out) > 0 {
		var rec string
		rec, out, _ = strings.Cut(out, "\x00")
		// "<mode> <type> <oid> <padded size>\t<path>"; without -l, no size.
		meta, p, ok := strings.Cut(rec, "\t")
		modeStr, rest, ok1 := strings.Cut(meta, " ")
		typ, rest, ok2 := strings.Cut(rest, " ")
		oid, sizeStr, _ := strings.Cut(rest, " ")
		if !ok || !ok1 || !ok2 {
			return nil, fmt.Errorf("unexpected git ls-tree line %q", rec)
		}
		gitMode, err := strconv.ParseUint(modeStr, 8, 32)
		if err != nil {
			return nil, fmt.Errorf("unexpected mode in git ls-tree line %q", rec)
		}
		n := &node{name: path.Base(p), path: p, obj: Object{Mode: uint32(gitMode), Type: typ, ID: oid}}
		switch {
		case typ == "commit":
			n.mode = fs.ModeDir | 0o755
		case gitMode == 0o120000:
			n.mode = fs.ModeSymlink | 0o777
		case gitMode&0o111 != 0:
			n.mode = 0o755
		default:
			n.mode = 0o644
		}
		if typ == "blob" {
			// "BAD" (or "-") is a blob missing from the object store: its
			// size is asked for when wanted, and reading it fails.
			n.size = unknownSize
			if size, err := strconv.ParseInt(strings.TrimLeft(sizeStr, " "), 10, 64); err == nil {
				n.size = size
			}
		}
		if p == "." || !fs.ValidPath(p) || index[p] != nil {
			continue
		}
		parent := dirNode(index, path.Dir(p))
		if parent == nil {
			continue // under a file or a gitlink: not a valid tree
		}
		index[p] = n
		parent.children = append(parent.children, n)
	}
	// git orders a directory "a" as "a/", io/fs wants plain name order.
	for _, n := range index {
		if len(n.children) > 1 && !slices.IsSortedFunc(n.children, byName) {
			slices.SortFunc(n.children, byName)
		}
	}
	return index, nil
}

func byName(a, b *node) int { return strings.Compare(a.name, b.name) }

// dirNode returns the directory node for p, creating it and its parents.
func dirNode(index map[string]*node, p string) *node {
	if n := index[p]; n != nil {
		if !n.mode.IsDir() || n.gitlink() {
			return nil
		}
		return n
	}
	parent := dirNode(index, path.Dir(p))
	if parent == nil {
		return nil
	}
	n := &node{name: path.Base(p), path: p, mode: fs.ModeDir | 0o755, obj: Object{Mode: 0o040000, Type: "tree"}}
	index[p] = n
	parent.children = append(parent.children, n)
	return n
}

// Commit returns the full id of the commit this tree belongs to.
func (f *RevFS) Commit() string { return f.commit }

// Tree returns the id of the commit's tree (see Repo.TreeID).
func (f *RevFS) Tree() string { return f.tree }

// Close ends the cat-file processes. Reads after Close fail with
// fs.ErrClosed; listing (Stat, ReadDir) still works.
func (f *RevFS) Close() error {
	err := f.blobs.close()
	if err2 := f.sizes.close(); err == nil {
		err = err2
	}
	return err
}

// Size returns the size of the file at name without reading it; ok is
// false when name is not a file (missing, a directory, a submodule).
func (f *RevFS) Size(name string) (size int64, ok bool) {
	n := f.index[name]
	if n == nil || n.mode.IsDir() {
		return 0, false
	}
	return f.sizeOf(n), true
}

// Gitlink returns the commit a submodule at name pins.
func (f *RevFS) Gitlink(name string) (commit string, ok bool) {
	n := f.index[name]
	if n == nil || !n.gitlink() {
		return "", false
	}
	return n.obj.ID, true
}

var (
	errIsDir   = errors.New("is a directory")
	errGitlink = fmt.Errorf("submodule: its files are not in this repository: %w", fs.ErrNotExist)
)

func (f *RevFS) lookup(op, name string) (*node, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n := f.index[name]
	if n == nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return n, nil
}

// Open opens the named file or directory (see RevFS for symlinks and
// submodules). The content of a file is read on its first Read.
func (f *RevFS) Open(name string) (fs.File, error) {
	n, err := f.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if n.mode.IsDir() {
		return &dirFile{fsys: f, n: n}, nil
	}
	return &blobFile{fsys: f, n: n}, nil
}

// ReadFile returns the content of the named file (the target path for a
// symlink).
func (f *RevFS) ReadFile(name string) ([]byte, error) {
	n, err := f.lookup("read", name)
	if err != nil {
		return nil, err
	}
	return f.readNode("read", n)
}

// ReadFiles returns the contents of the named files, each with the
// error ReadFile would give: git is asked for all of them at once, which
// is much faster than one ReadFile after another for many small files.
func (f *RevFS) ReadFiles(names []string) ([][]byte, []error) {
	out, errs := make([][]byte, len(names)), make([]error, len(names))
	var oids []string
	var at []int
	for i, name := range names {
		n, err := f.lookup("read", name)
		if err == nil {
			err = f.readable("read", n)
		}
		if err != nil {
			errs[i] = err
			continue
		}
		oids = append(oids, n.obj.ID)
		at = append(at, i)
	}
	if len(oids) == 0 {
		return out, errs // no process started for nothing
	}
	data, rerrs := f.blobs.readMany(oids)
	for j, i := range at {
		out[i] = data[j]
		if rerrs[j] != nil {
			errs[i] = &fs.PathError{Op: "read", Path: names[i], Err: rerrs[j]}
		}
	}
	return out, errs
}

// readable is the error of reading n's content, when it has none.
func (f *RevFS) readable(op string, n *node) error {
	switch {
	case n.gitlink():
		return &fs.PathError{Op: op, Path: n.path, Err: errGitlink}
	case n.mode.IsDir():
		return &fs.PathError{Op: op, Path: n.path, Err: errIsDir}
	}
	return nil
}

func (f *RevFS) readNode(op string, n *node) ([]byte, error) {
	if err := f.readable(op, n); err != nil {
		return nil, err
	}
	data, err := f.blobs.read(n.obj.ID)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: n.path, Err: err}
	}
	return data, nil
}

// Stat describes the named entry without following symlinks.
func (f *RevFS) Stat(name string) (fs.FileInfo, error) {
	n, err := f.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return f.info(n), nil
}

// Lstat is Stat: RevFS never follows symlinks.
func (f *RevFS) Lstat(name string) (fs.FileInfo, error) {
	n, err := f.lookup("lstat", name)
	if err != nil {
		return nil, err
	}
	return f.info(n), nil
}

// ReadLink returns the target of the named symlink.
func (f *RevFS) ReadLink(name string) (string, error) {
	n, err := f.lookup("readlink", name)
	if err != nil {
		return "", err
	}
	if n.mode.Type() != fs.ModeSymlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	data, err := f.readNode("readlink", n)
	return string(data), err
}

// ReadDir lists the named directory sorted by name.
func (f *RevFS) ReadDir(name string) ([]fs.DirEntry, error) {
	n, err := f.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !n.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	return f.entries(n.children), nil
}

func (f *RevFS) entries(nodes []*node) []fs.DirEntry {
	list := make([]fs.DirEntry, len(nodes))
	for i, c := range nodes {
		list[i] = f.info(c)
	}
	return list
}

func (f *RevFS) info(n *node) *fileInfo { return &fileInfo{n: n, fsys: f} }

// fileInfo is both the fs.FileInfo and the fs.DirEntry of a node.
type fileInfo struct {
	n    *node
	fsys *RevFS
}

func (i *fileInfo) Name() string               { return i.n.name }
func (i *fileInfo) Size() int64                { return i.fsys.sizeOf(i.n) }
func (i *fileInfo) Mode() fs.FileMode          { return i.n.mode }
func (i *fileInfo) Type() fs.FileMode          { return i.n.mode.Type() }
func (i *fileInfo) ModTime() time.Time         { return i.fsys.modTime }
func (i *fileInfo) IsDir() bool                { return i.n.mode.IsDir() }
func (i *fileInfo) Sys() any                   { return i.n.obj }
func (i *fileInfo) Info() (fs.FileInfo, error) { return i, nil }
func (i *fileInfo) String() string             { return fs.FormatFileInfo(i) }
