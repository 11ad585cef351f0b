package migrations

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"strconv"
	"sync"

	"github.com/schemagate/schemagate/internal/safefs"
)

// traceFS records what a read of a tree looked at (directories listed,
// files stat'ed and read) with a digest of each answer, so that a later
// run can tell, by asking the same questions only, whether it would read
// the same: reading migrations is a function of what it looked at. It
// serves file contents from memory, read whole once.
type traceFS struct {
	inner fs.FS
	mu    sync.Mutex
	recs  []traceRec
	seen  map[traceKey]bool
	files map[string][]byte // contents read, by path
	// broken is set when something was read that the trace cannot stand
	// for (a file too large to hold): the result must not be stored.
	broken bool
}

// traceRec is one question and a digest of its answer.
type traceRec struct {
	Op   byte // 's' stat, 'd' directory listing, 'f' file contents
	Path string
	Sum  [sha256.Size]byte
}

type traceKey struct {
	op   byte
	path string
}

// maxTraced is the largest file a trace holds; reading a larger one makes
// the result one that is not stored.
const maxTraced = 64 << 20

func newTraceFS(inner fs.FS) *traceFS {
	return &traceFS{inner: inner, seen: map[traceKey]bool{}, files: map[string][]byte{}}
}

func (t *traceFS) record(op byte, name string, sum [sha256.Size]byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := traceKey{op, name}
	if !t.seen[k] {
		t.seen[k] = true
		t.recs = append(t.recs, traceRec{op, name, sum})
	}
}

// statSum digests what a Stat answered: whether it failed and how, the
// kind of entry and its size.
func statSum(info fs.FileInfo, err error) [sha256.Size]byte {
	var b bytes.Buffer
	switch {
	case errors.Is(err, fs.ErrNotExist):
		b.WriteString("missing")
	case err != nil:
		b.WriteString("error\x00" + err.Error())
	default:
		b.WriteString(info.Mode().Type().String())
		b.WriteByte(0)
		if !info.IsDir() {
			b.WriteString(strconv.FormatInt(info.Size(), 10))
		}
	}
	return sha256.Sum256(b.Bytes())
}

// dirSum digests a directory listing: each entry's name and kind.
func dirSum(ents []fs.DirEntry, err error) [sha256.Size]byte {
	var b bytes.Buffer
	if err != nil {
		b.WriteString("error\x00")
		if errors.Is(err, fs.ErrNotExist) {
			b.WriteString("missing")
		} else {
			b.WriteString(err.Error())
		}
	}
	for _, e := range ents {
		b.WriteString(e.Name())
		b.WriteByte(0)
		b.WriteString(e.Type().String())
		b.WriteByte(0)
	}
	return sha256.Sum256(b.Bytes())
}

func fileSum(data []byte, err error) [sha256.Size]byte {
	if err != nil {
		return statSum(nil, err)
	}
	h := sha256.New()
	h.Write([]byte("file\x00"))
	h.Write(data)
	var s [sha256.Size]byte
	h.Sum(s[:0])
	return s
}

// Stat implements fs.StatFS.
func (t *traceFS) Stat(name string) (fs.FileInfo, error) {
	info, err := fs.Stat(t.inner, name)
	t.record('s', name, statSum(info, err))
	return info, err
}

// ReadDir implements fs.ReadDirFS.
func (t *traceFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(t.inner, name)
	t.record('d', name, dirSum(ents, err))
	return ents, err
}

// ReadFile implements fs.ReadFileFS.
func (t *traceFS) ReadFile(name string) ([]byte, error) {
	data, err := t.read(name)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(data), nil
}

// read returns a file's contents, read whole once.
func (t *traceFS) read(name string) ([]byte, error) {
	t.mu.Lock()
	data, ok := t.files[name]
	t.mu.Unlock()
	if ok {
		return data, nil
	}
	info, err := fs.Stat(t.inner, name)
	if err == nil && info.Size() > maxTraced {
		t.mu.Lock()
		t.broken = true
		t.mu.Unlock()
		return safefs.ReadFile(t.inner, name, 0)
	}
	// Read as replay reads it (safefs.ReadFiles), so that the two agree on
	// errors too.
	data, err = safefs.ReadFile(t.inner, name, 0)
	t.record('f', name, fileSum(data, err))
	if err == nil {
		t.mu.Lock()
		t.files[name] = data
		t.mu.Unlock()
	}
	return data, err
}

// Open implements fs.FS: a directory is opened as it is (its listing
// recorded), a file is served from memory.
func (t *traceFS) Open(name string) (fs.File, error) {
	info, err := t.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() || !info.Mode().IsRegular() {
		if info.IsDir() {
			_, _ = t.ReadDir(name)
		}
		return t.inner.Open(name)
	}
	data, err := t.read(name)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), info: info}, nil
}

type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

// replay asks fsys the trace's questions again and reports whether every
// answer is the same; the files it read are returned by path. Listings
// and stats are asked first, and the files then read all at once (a git
// revision reads them in one go).
func replay(fsys fs.FS, recs []traceRec) (map[string][]byte, bool) {
	var reads []traceRec
	for _, r := range recs {
		var sum [sha256.Size]byte
		switch r.Op {
		case 's':
			sum = statSum(fs.Stat(fsys, r.Path))
		case 'd':
			sum = dirSum(fs.ReadDir(fsys, r.Path))
		case 'f':
			reads = append(reads, r)
			continue
		default:
			return nil, false
		}
		if sum != r.Sum {
			return nil, false
		}
	}
	names := make([]string, len(reads))
	for i, r := range reads {
		names[i] = r.Path
	}
	data, errs := safefs.ReadFiles(fsys, names)
	files := make(map[string][]byte, len(reads))
	for i, r := range reads {
		if fileSum(data[i], errs[i]) != r.Sum {
			return nil, false
		}
		if errs[i] == nil {
			files[r.Path] = data[i]
		}
	}
	return files, true
}
