package gitrev

import (
	"bytes"
	"io"
	"io/fs"
)

// blobFile is an open file or symlink; its content is fetched on the
// first read and then served from memory.
type blobFile struct {
	fsys   *RevFS
	n      *node
	rd     *bytes.Reader
	closed bool
}

func (f *blobFile) Stat() (fs.FileInfo, error) {
	if f.closed {
		return nil, &fs.PathError{Op: "stat", Path: f.n.path, Err: fs.ErrClosed}
	}
	return f.fsys.info(f.n), nil
}

func (f *blobFile) load(op string) error {
	if f.closed {
		return &fs.PathError{Op: op, Path: f.n.path, Err: fs.ErrClosed}
	}
	if f.rd != nil {
		return nil
	}
	data, err := f.fsys.readNode(op, f.n)
	if err != nil {
		return err
	}
	f.rd = bytes.NewReader(data)
	return nil
}

func (f *blobFile) Read(p []byte) (int, error) {
	if err := f.load("read"); err != nil {
		return 0, err
	}
	return f.rd.Read(p)
}

func (f *blobFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.load("read"); err != nil {
		return 0, err
	}
	return f.rd.ReadAt(p, off)
}

func (f *blobFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.load("seek"); err != nil {
		return 0, err
	}
	return f.rd.Seek(offset, whence)
}

func (f *blobFile) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.n.path, Err: fs.ErrClosed}
	}
	f.closed, f.rd = true, nil
	return nil
}

// dirFile is an open directory (or submodule, which lists as empty).
type dirFile struct {
	fsys   *RevFS
	n      *node
	off    int // entries already returned by ReadDir
	closed bool
}

func (d *dirFile) Stat() (fs.FileInfo, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "stat", Path: d.n.path, Err: fs.ErrClosed}
	}
	return d.fsys.info(d.n), nil
}

func (d *dirFile) Read([]byte) (int, error) {
	if d.closed {
		return 0, &fs.PathError{Op: "read", Path: d.n.path, Err: fs.ErrClosed}
	}
	return 0, &fs.PathError{Op: "read", Path: d.n.path, Err: errIsDir}
}

// ReadDir follows fs.ReadDirFile: count <= 0 returns all remaining
// entries; count > 0 returns at most count, and io.EOF at the end.
func (d *dirFile) ReadDir(count int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, &fs.PathError{Op: "readdir", Path: d.n.path, Err: fs.ErrClosed}
	}
	rest := d.n.children[d.off:]
	if count <= 0 {
		d.off += len(rest)
		return d.fsys.entries(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(count, len(rest))]
	d.off += len(rest)
	return d.fsys.entries(rest), nil
}

func (d *dirFile) Close() error {
	if d.closed {
		return &fs.PathError{Op: "close", Path: d.n.path, Err: fs.ErrClosed}
	}
	d.closed = true
	return nil
}

var (
	_ fs.ReadDirFS   = (*RevFS)(nil)
	_ fs.ReadFileFS  = (*RevFS)(nil)
	_ fs.StatFS      = (*RevFS)(nil)
	_ fs.ReadLinkFS  = (*RevFS)(nil)
	_ fs.ReadDirFile = (*dirFile)(nil)
	_ io.ReadSeeker  = (*blobFile)(nil)
	_ io.ReaderAt    = (*blobFile)(nil)
)
