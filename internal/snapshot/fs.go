package snapshot

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"time"
)

// FS returns the snapshot's files as a read-only file system: migrations
// and other files at their paths, directories made from the paths. A file
// whose content was left out (File.Size) has its size but cannot be read.
func (s *Snapshot) FS() fs.FS {
	m := &memFS{files: map[string]*memFile{}, dirs: map[string][]string{".": nil}}
	for _, mig := range s.Migrations {
		m.add(mig.Path, &memFile{data: []byte(mig.Text), size: int64(len(mig.Text))})
	}
	for _, f := range s.Files {
		switch {
		case f.Text != nil:
			m.add(f.Path, &memFile{data: []byte(*f.Text), size: int64(len(*f.Text))})
		case f.Base64 != nil:
			m.add(f.Path, &memFile{data: f.Base64, size: int64(len(f.Base64))})
		default:
			m.add(f.Path, &memFile{size: f.Size, omitted: true})
		}
	}
	for d, names := range m.dirs {
		slices.Sort(names)
		m.dirs[d] = slices.Compact(names)
	}
	return m
}

type memFS struct {
	files map[string]*memFile
	dirs  map[string][]string // directory -> sorted names of its entries
}

type memFile struct {
	data    []byte
	size    int64
	omitted bool
}

func (m *memFS) add(p string, f *memFile) {
	m.files[p] = f
	for {
		dir, name := path.Dir(p), path.Base(p)
		_, known := m.dirs[dir]
		m.dirs[dir] = append(m.dirs[dir], name)
		if known || dir == "." {
			return
		}
		p = dir
	}
}

// Open implements fs.FS.
func (m *memFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, ok := m.files[name]; ok {
		return &openFile{info: fileInfo{name: path.Base(name), size: f.size}, f: f, name: name}, nil
	}
	if names, ok := m.dirs[name]; ok {
		return &openDir{m: m, dir: name, names: names}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadFile implements fs.ReadFileFS.
func (m *memFS) ReadFile(name string) ([]byte, error) {
	f, err := m.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Stat implements fs.StatFS.
func (m *memFS) Stat(name string) (fs.FileInfo, error) {
	f, err := m.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// ReadDir implements fs.ReadDirFS.
func (m *memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	names, ok := m.dirs[name]
	if !ok {
		if _, isFile := m.files[name]; isFile {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: fmt.Errorf("not a directory")}
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return m.entries(name, names), nil
}

func (m *memFS) entries(dir string, names []string) []fs.DirEntry {
	out := make([]fs.DirEntry, 0, len(names))
	for _, n := range names {
		p := path.Join(dir, n)
		if f, ok := m.files[p]; ok {
			out = append(out, fs.FileInfoToDirEntry(fileInfo{name: n, size: f.size}))
		} else {
			out = append(out, fs.FileInfoToDirEntry(fileInfo{name: n, dir: true}))
		}
	}
	return out
}

type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }

type openFile struct {
	info fileInfo
	f    *memFile
	name string
	off  int
}

func (o *openFile) Stat() (fs.FileInfo, error) { return o.info, nil }
func (o *openFile) Close() error               { return nil }
func (o *openFile) Read(b []byte) (int, error) {
	if o.f.omitted {
		return 0, &fs.PathError{Op: "read", Path: o.name, Err: fmt.Errorf("content not in the snapshot (it was larger than the file size limit)")}
	}
	if o.off >= len(o.f.data) {
		return 0, io.EOF
	}
	n := copy(b, o.f.data[o.off:])
	o.off += n
	return n, nil
}

type openDir struct {
	m     *memFS
	dir   string
	names []string
	off   int
}

func (d *openDir) Stat() (fs.FileInfo, error) {
	return fileInfo{name: path.Base(d.dir), dir: true}, nil
}
func (d *openDir) Close() error { return nil }
func (d *openDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.dir, Err: fmt.Errorf("is a directory")}
}

// ReadDir implements fs.ReadDirFile.
func (d *openDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.names[d.off:]
	if n > 0 {
		if len(rest) == 0 {
			return nil, io.EOF
		}
		rest = rest[:min(n, len(rest))]
	}
	d.off += len(rest)
	return d.m.entries(d.dir, rest), nil
}

var _ fs.ReadDirFS = (*memFS)(nil)
