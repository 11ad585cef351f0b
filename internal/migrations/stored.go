package migrations

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sync"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// Store keeps, between runs, what reading a tree's migrations gave:
// translating framework code is most of a run on a large project, and a
// repeat run over the same files gives the same result. The store is
// keyed by the tool too (internal/transcache): its entries stand for this
// build's translators only.
type Store interface {
	Get(key string) ([]byte, bool)
	// Put may write in the background.
	Put(key string, payload []byte)
}

// maxTraces is how many trees' reads the store keeps for one
// configuration: the releases a check compares, and a few more.
const maxTraces = 8

// An index entry lists, for one configuration, the reads of the trees
// stored, most recent first, each with the key of its result.
type storedTrace struct {
	Recs   []traceRec
	Result string
}

// storedResult is a Result without the files' texts, which the replayed
// trace reads.
type storedResult struct {
	Result     Result // but its Migrations
	Migrations []storedMigration
}

type storedMigration struct {
	M        migration.Migration // File, Statements and SyntaxErrors nil
	FilePath string
	// Text is the file's text when it is not what the trace read at
	// FilePath.
	Text []byte
}

func (cfg Config) storeKey() string {
	return fmt.Sprintf("migrations\x00%#v\x00%q\x00%q\x00%q\x00%t\x00%d\x00%d", cfg.Dirs, cfg.Root, cfg.Exclude, cfg.Format, cfg.IncludeDown, cfg.MaxFileSize, cfg.PGVersion)
}

// loadStored is Load through cfg.Store: the result of an earlier run whose
// reads give the same answers in fsys, else Load's, stored.
func loadStored(fsys fs.FS, cfg Config) (*Result, error) {
	key := cfg.storeKey()
	for _, t := range storedTraces(cfg.Store, key) {
		files, ok := replay(fsys, t.Recs)
		if !ok {
			continue
		}
		if res, ok := fetchResult(cfg.Store, t.Result, files); ok {
			return res, nil
		}
	}
	tfs := newTraceFS(fsys)
	res, err := load(tfs, cfg)
	if err != nil || tfs.broken || !worthStoring(res) {
		return res, err
	}
	payload, ok := encodeResult(res, tfs.files)
	if !ok {
		return res, nil
	}
	// The result's key digests the configuration and the reads: the same
	// both, the same result.
	h := sha256.New()
	h.Write([]byte(key + "\x00"))
	for _, r := range tfs.recs {
		h.Write([]byte{r.Op})
		h.Write([]byte(r.Path + "\x00"))
		h.Write(r.Sum[:])
	}
	t := storedTrace{Recs: tfs.recs, Result: "result\x00" + hex.EncodeToString(h.Sum(nil))}
	cfg.Store.Put(t.Result, payload)
	// Two trees read at once (check's releases) each add their trace to
	// the index: read it again, and write it, one at a time.
	indexMu.Lock()
	defer indexMu.Unlock()
	kept := []storedTrace{t}
	for _, old := range storedTraces(cfg.Store, key) {
		if old.Result != t.Result && len(kept) < maxTraces {
			kept = append(kept, old)
		}
	}
	var idx bytes.Buffer
	if gob.NewEncoder(&idx).Encode(kept) == nil {
		cfg.Store.Put(key, idx.Bytes())
	}
	return res, nil
}

// indexMu orders the updates of a store's index entries in this process.
var indexMu sync.Mutex

// storedTraces is the index entry at key: the reads of the trees stored.
func storedTraces(store Store, key string) []storedTrace {
	var traces []storedTrace
	if data, ok := store.Get(key); ok {
		if gob.NewDecoder(bytes.NewReader(data)).Decode(&traces) != nil {
			traces = nil
		}
	}
	return traces
}

// worthStoring reports whether the result has framework migrations,
// which are what costs: SQL migrations are read again faster than a
// stored result is checked.
func worthStoring(res *Result) bool {
	for _, m := range res.Migrations {
		if m.Framework {
			return true
		}
	}
	return false
}

func fetchResult(store Store, key string, files map[string][]byte) (*Result, bool) {
	data, ok := store.Get(key)
	if !ok {
		return nil, false
	}
	var sr storedResult
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&sr) != nil {
		return nil, false
	}
	res := &sr.Result
	for _, s := range sr.Migrations {
		m := s.M
		text := s.Text
		if text == nil {
			t, ok := files[s.FilePath]
			if !ok {
				return nil, false
			}
			text = t
		}
		m.File = source.NewFile(s.FilePath, text)
		res.Migrations = append(res.Migrations, &m)
	}
	return res, true
}

func encodeResult(res *Result, files map[string][]byte) ([]byte, bool) {
	sr := storedResult{Result: *res}
	sr.Result.Migrations = nil
	for _, m := range res.Migrations {
		if m.File == nil || m.Statements != nil || m.SyntaxErrors != nil {
			return nil, false // parsed SQL is not stored
		}
		s := storedMigration{M: *m, FilePath: m.File.Path}
		s.M.File = nil
		s.M.Ops = storableOps(m.Ops)
		if read, ok := files[m.File.Path]; !ok || !bytes.Equal(read, m.File.Text) {
			s.Text = m.File.Text
		}
		sr.Migrations = append(sr.Migrations, s)
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(sr); err != nil {
		return nil, false
	}
	return b.Bytes(), true
}

// storableOps copies ops with every expression's parse tree replaced by
// its text, which is all that is read of it once translated. The ops
// themselves are left alone: this run still uses them.
func storableOps(in []ops.Op) []ops.Op {
	if in == nil {
		return nil
	}
	out := make([]ops.Op, len(in))
	for i, op := range in {
		op.Default = storableExpr(op.Default)
		if op.ColumnDef != nil {
			c := *op.ColumnDef
			c.Default = storableExpr(c.Default)
			op.ColumnDef = &c
		}
		if op.Columns != nil {
			cols := make([]ops.Column, len(op.Columns))
			for j, c := range op.Columns {
				c.Default = storableExpr(c.Default)
				cols[j] = c
			}
			op.Columns = cols
		}
		if op.Index != nil {
			ix := *op.Index
			ix.Where = storableExpr(ix.Where)
			op.Index = &ix
		}
		out[i] = op
	}
	return out
}

func storableExpr(e *ops.Expr) *ops.Expr {
	if e == nil {
		return nil
	}
	c := *e
	if c.Text == "" && c.Node != nil {
		c.Text = ops.Deparse(c.Node)
	}
	c.Node = nil
	return &c
}
