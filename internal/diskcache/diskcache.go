// Package diskcache keeps entries between runs in a directory of files,
// one per key, under the user's cache directory: what the reference
// index and lint findings are cached in.
//
// An entry is written to a temporary file and renamed into place, so
// concurrent runs never see half of one; an entry that is truncated,
// damaged or written for another key is deleted and reported as a miss,
// never trusted; the directory is bounded in size, the entries used
// longest ago going first.
package diskcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Dir is a directory of entries.
type Dir struct {
	// Path holds the entries; "" means os.UserCacheDir()/schemagate/Name.
	Path string
	// Name is the cache's directory under the default path ("refs").
	Name string
	// Title names the cache in messages ("reference cache").
	Title string
	// Magic starts every entry (8 bytes): it changes when the payload's
	// encoding does, so that older entries are discarded.
	Magic [8]byte
	// MaxBytes bounds the directory's size; 0 leaves it unbounded. Past
	// it, a Put deletes the entries used longest ago until three
	// quarters of it remain.
	MaxBytes int64
	// Log, when set, is told why an entry was discarded.
	Log func(format string, args ...any)
	// CRC has entries carry the CRC-32C of their payload instead of its
	// SHA-256 (in the first 4 bytes of the checksum's place, the rest
	// zero): for entries of megabytes read whole on every hit (lint's
	// report), where SHA-256 costs more than the rest of the hit. Either
	// catches a damaged entry; neither is meant to stop a forged one in
	// the user's own cache directory. Changing it needs a new Magic.
	CRC bool

	mu     sync.Mutex
	pruned time.Time // the last time Put listed the directory to bound it
}

// HeaderLen is the length of an entry's header. An entry is the magic,
// the SHA-256 of its key, the checksum of the payload (its SHA-256, or
// its CRC-32C padded with zeros), the payload's length (big-endian
// uint64), then the payload.
const HeaderLen = 8 + sha256.Size + sha256.Size + 8

// ext ends every entry's file name; pruning deletes only such files.
const ext = ".entry"

// Folder is the directory the entries are in.
func (d *Dir) Folder() (string, error) {
	if d.Path != "" {
		return d.Path, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("%s: %w", d.Title, err)
	}
	return filepath.Join(base, "schemagate", d.Name), nil
}

// File is the file holding key's entry.
func (d *Dir) File(key string) (string, error) {
	dir, err := d.Folder()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, hex.EncodeToString(sum[:])+ext), nil
}

func (d *Dir) logf(format string, args ...any) {
	if d.Log != nil {
		d.Log(format, args...)
	}
}

// Get returns the payload stored under key. A damaged entry is deleted
// and reported as a miss; a hit marks the entry used now.
func (d *Dir) Get(key string) ([]byte, bool) {
	var payload []byte
	ok := d.GetFunc(key, func(r io.Reader) (err error) {
		payload, err = io.ReadAll(r)
		return err
	})
	if !ok {
		return nil, false
	}
	return payload, true
}

// open opens key's entry; a missing one is a miss without a message.
func (d *Dir) open(key string) (f *os.File, name string, ok bool) {
	name, err := d.File(key)
	if err != nil {
		d.logf("%v", err)
		return nil, "", false
	}
	f, err = os.Open(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			d.logf("%s: %v", d.Title, err)
		}
		return nil, "", false
	}
	return f, name, true
}

// GetFunc has read read the payload stored under key as it streams from
// the file, and reports whether it was a hit: the entry whole, with its
// checksum right, and read returning nil. Whatever read made of a miss
// must be thrown away. A damaged entry is deleted; a hit marks the entry
// used now.
func (d *Dir) GetFunc(key string, read func(io.Reader) error) bool {
	f, name, ok := d.open(key)
	if !ok {
		return false
	}
	defer f.Close()
	if err := d.readEntry(bufio.NewReaderSize(f, 64<<10), key, read); err != nil {
		d.Discard(name, err)
		return false
	}
	if st, err := f.Stat(); err == nil {
		d.used(name, st)
	}
	return true
}

// Discard deletes a damaged entry, saying why.
func (d *Dir) Discard(name string, why error) {
	d.logf("%s: discarding %s: %v", d.Title, name, why)
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.logf("%s: %v", d.Title, err)
	}
}

func (d *Dir) readEntry(r io.Reader, key string, read func(io.Reader) error) error {
	header := make([]byte, HeaderLen)
	n, _ := io.ReadFull(r, header) // a short header is an error of its own
	sum, want, err := d.checkHeader(header[:n], key)
	if err != nil {
		return err
	}
	h := d.newSum()
	c := &counter{}
	payload := io.TeeReader(io.LimitReader(r, int64(want)+1), io.MultiWriter(h, c))
	err = read(payload)
	// What read left is still part of the checksum.
	if _, cerr := io.Copy(io.Discard, payload); err == nil {
		err = cerr
	}
	switch {
	case c.n != want:
		return fmt.Errorf("truncated: %d of %d bytes", c.n, want)
	case !bytes.Equal(sumOf(h), sum):
		return errors.New("checksum mismatch")
	case err != nil:
		return err
	}
	return nil
}

// checkHeader checks an entry's header (all of it that there is) against
// key and returns the payload's checksum and length.
func (d *Dir) checkHeader(header []byte, key string) (sum []byte, n uint64, err error) {
	if len(header) < HeaderLen {
		if len(header) >= 8 && bytes.Equal(header[:8], d.Magic[:]) {
			return nil, 0, fmt.Errorf("truncated header: %d bytes", len(header))
		}
		return nil, 0, fmt.Errorf("not a schemagate %s entry", d.Title)
	}
	if !bytes.Equal(header[:8], d.Magic[:]) {
		return nil, 0, fmt.Errorf("not a schemagate %s entry", d.Title)
	}
	keySum := sha256.Sum256([]byte(key))
	if !bytes.Equal(header[8:8+sha256.Size], keySum[:]) {
		return nil, 0, errors.New("entry is for another key")
	}
	return header[8+sha256.Size : 8+2*sha256.Size], binary.BigEndian.Uint64(header[8+2*sha256.Size:]), nil
}

// GetBytes has read read the payload stored under key, whole, and
// reports whether it was a hit, as GetFunc does. The payload is the
// entry's file mapped into memory where the system allows (read whole
// elsewhere), so it is valid only until read returns: for entries of
// megabytes that a hit copies out at once (lint's report), it spares
// reading them through a buffer.
func (d *Dir) GetBytes(key string, read func(payload []byte) error) bool {
	f, name, ok := d.open(key)
	if !ok {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		d.logf("%s: %v", d.Title, err)
		return false
	}
	data, unmap, err := mapFile(f, st.Size())
	if err != nil {
		d.logf("%s: %v", d.Title, err)
		return false
	}
	defer unmap()
	err = d.checkEntry(data, key)
	if err == nil {
		err = read(data[HeaderLen:])
	}
	if err != nil {
		d.Discard(name, err)
		return false
	}
	d.used(name, st)
	return true
}

// checkEntry checks a whole entry: its header and its payload's length
// and checksum.
func (d *Dir) checkEntry(data []byte, key string) error {
	sum, want, err := d.checkHeader(data[:min(len(data), HeaderLen)], key)
	if err != nil {
		return err
	}
	payload := data[HeaderLen:]
	if uint64(len(payload)) != want {
		return fmt.Errorf("truncated: %d of %d bytes", len(payload), want)
	}
	h := d.newSum()
	_, _ = h.Write(payload)
	if !bytes.Equal(sumOf(h), sum) {
		return errors.New("checksum mismatch")
	}
	return nil
}

// used marks the entry in name, with the stat st, used now. Pruning goes
// by modification time; an hour's resolution spares a write per hit.
func (d *Dir) used(name string, st fs.FileInfo) {
	if now := time.Now(); d.MaxBytes > 0 && now.Sub(st.ModTime()) > time.Hour {
		_ = os.Chtimes(name, now, now)
	}
}

func (d *Dir) newSum() hash.Hash {
	if d.CRC {
		// The table is made once; with SSE 4.2 or ARMv8 the CPU's
		// instruction does the work.
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	}
	return sha256.New()
}

// sumOf is h's sum as the header holds it: padded to a SHA-256's length.
func sumOf(h hash.Hash) []byte {
	return append(h.Sum(make([]byte, 0, sha256.Size)), make([]byte, sha256.Size-h.Size())...)
}

type counter struct{ n uint64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += uint64(len(p))
	return len(p), nil
}

// Put stores payload under key. The entry is written to a temporary file
// and renamed into place, so a reader never sees half of it.
func (d *Dir) Put(key string, payload []byte) error {
	return d.PutFunc(key, func(w io.Writer) error {
		_, err := w.Write(payload)
		return err
	})
}

// PutFunc stores under key what write writes, streamed to the file.
func (d *Dir) PutFunc(key string, write func(io.Writer) error) error {
	name, err := d.File(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", d.Title, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: %w", d.Title, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	err = d.writeEntry(tmp, key, write)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", d.Title, err)
	}
	if d.MaxBytes > 0 && d.pruneDue() {
		d.prune(dir)
	}
	return nil
}

// pruneDue says whether Put should bound the directory now: on its first
// Put, then at most once a minute (the language server puts on every
// edit; listing the directory each time would cost more than the entry).
func (d *Dir) pruneDue() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	if !d.pruned.IsZero() && now.Sub(d.pruned) < time.Minute {
		return false
	}
	d.pruned = now
	return true
}

// writeEntry writes the header with the checksum and length left zero,
// then the payload, then the header again, filled in.
func (d *Dir) writeEntry(f *os.File, key string, write func(io.Writer) error) error {
	header := make([]byte, HeaderLen)
	copy(header, d.Magic[:])
	keySum := sha256.Sum256([]byte(key))
	copy(header[8:], keySum[:])
	if _, err := f.Write(header); err != nil {
		return err
	}
	h := d.newSum()
	c := &counter{}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(io.MultiWriter(bw, h, c)); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	copy(header[8+sha256.Size:], sumOf(h))
	binary.BigEndian.PutUint64(header[8+2*sha256.Size:], c.n)
	_, err := f.WriteAt(header, 0)
	return err
}

// prune deletes the entries used longest ago while the directory holds
// more than MaxBytes, down to three quarters of it. Another run pruning
// at the same time at worst deletes an entry twice.
func (d *Dir) prune(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		name string
		size int64
		mod  time.Time
	}
	var all []entry
	var total int64
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ext) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		all = append(all, entry{e.Name(), info.Size(), info.ModTime()})
		total += info.Size()
	}
	if total <= d.MaxBytes {
		return
	}
	slices.SortFunc(all, func(a, b entry) int { return a.mod.Compare(b.mod) })
	for _, e := range all {
		if total <= d.MaxBytes*3/4 {
			break
		}
		if err := os.Remove(filepath.Join(dir, e.name)); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= e.size
		}
	}
}

// ToolID names the running tool for cache keys: its version and, since a
// development build keeps one version through every change, its
// executable's path, size and modification time.
func ToolID(version string) string {
	id := version
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			id += fmt.Sprintf("\x00%s\x00%d\x00%d", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	return id
}

// readFile reads the size bytes of f in one buffer.
func readFile(f *os.File, size int64) (data []byte, unmap func(), err error) {
	data = make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, err
	}
	return data, func() {}, nil
}
