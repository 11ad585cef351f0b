package lintcache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"time"
)

// A Memo is what one lint run printed and its exit code, kept under a key
// naming the run (the tool, its flags, configuration and environment) and
// valid while the directories it read are as they were (a Tree): a warm
// run over unchanged migrations then prints it again without reading a
// migration, which reading and hashing every file would have cost.
type Memo struct {
	Out  []byte
	Code int
}

// Racy is how recent a change to an entry of a Tree may be for a memo of
// it to be kept: a file changed again within its time stamp's resolution
// would look unchanged (git's "racily clean" entries). Tests set it.
var Racy = 2 * time.Second

// Recall writes to w the report kept under key when tree is the one it
// was taken over, and returns its exit code. On a miss (ok false)
// nothing is written; err is w's.
func (s *Store) Recall(key string, tree Tree, w io.Writer) (code int, ok bool, err error) {
	// The entry is read mapped and written out in one write: a report is
	// megabytes, and copying it through buffers cost more than the rest
	// of a warm run.
	ok = s.dir.GetBytes(s.key("memo\x00"+key), func(data []byte) error {
		n, k := binary.Uvarint(data)
		if k <= 0 || n > uint64(len(data)-k) {
			return errDamaged
		}
		if !bytes.Equal(data[k:k+int(n)], tree.state) {
			return errStale
		}
		data = data[k+int(n):]
		c, k := binary.Varint(data)
		if k <= 0 {
			return errDamaged
		}
		code = int(c)
		// A failed write is the output's fault, not the entry's.
		_, err = w.Write(data[k:])
		return nil
	})
	return code, ok, err
}

// errStale is a memo of directories that changed since: replaced by the
// next run's.
var errStale = errors.New("migrations changed since")

// Keep keeps m under key for tree, taken before the run began at
// started. A tree with an entry changed within Racy of started, or that
// changed during the run (after, taken again, differs), is not kept. The
// entry is written in the background; Wait waits for it.
func (s *Store) Keep(key string, tree, after Tree, started time.Time, m Memo) {
	if !bytes.Equal(tree.state, after.state) || !tree.latest.Before(started.Add(-Racy)) {
		return
	}
	s.wg.Go(func() {
		err := s.dir.PutFunc(s.key("memo\x00"+key), func(w io.Writer) error {
			b := binary.AppendUvarint(nil, uint64(len(tree.state)))
			b = append(b, tree.state...)
			b = binary.AppendVarint(b, int64(m.Code))
			if _, err := w.Write(b); err != nil {
				return err
			}
			_, err := w.Write(m.Out)
			return err
		})
		if err != nil && s.log != nil {
			s.log("lint cache: %v", err)
		}
	})
}
